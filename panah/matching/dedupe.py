"""Duplicate detection for person records: Splink on DuckDB, then clustering that cannot snowball.

The pipeline, for a list of ``Record``s (see ``records.py``):

1. **Features.** Each name gets the keys of ``names.py`` (match key, phonetic key, consonant
   skeleton, key without Mohammad); phones are E.164, document numbers normalised.
2. **Blocking.** Candidate pairs share a phone, a document number, or name keys *together with*
   a year of birth or a second name — never a given name alone, which for Mohammad would pair
   a large share of all records with each other.
3. **Scoring.** A Fellegi-Sunter model (Splink): its u-probabilities are estimated on the input
   by random sampling, its m-probabilities by expectation maximisation on the input when there
   are enough records, otherwise the defaults below are used. Name levels carry term-frequency
   adjustments, so agreeing on "Mohammad" counts for less than agreeing on "Zarghona".
4. **Clustering** (``cluster``): pairs are merged strongest first, and a merge is refused when
   the clusters would exceed ``max_cluster_size`` records, carry two different document
   numbers, two sexes or years of birth more than ``max_year_gap`` apart, or contain a pair the
   model scored as a clear non-match. Plain connected components at a threshold is exactly
   what this replaces: one wrong link there can chain hundreds of thousands of people into one
   cluster.

Pairs scored between ``review_threshold`` and ``link_threshold`` (and strong pairs whose merge
was refused) are returned as review candidates for a person to decide.
"""

from __future__ import annotations

import logging
import math
import shutil
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from rapidfuzz.distance import OSA, JaroWinkler

from panah.matching.names import (
    clean,
    core_key,
    distinctive_key,
    match_key,
    name_tokens,
    phonetic_key,
    skeleton_key,
)
from panah.matching.records import Record

logger = logging.getLogger(__name__)

NAME_FIELDS = ("given", "family", "father")


@dataclass(frozen=True)
class Options:
    link_threshold: float = 0.7  # match probability at which a pair may be merged
    review_threshold: float = 0.5  # below the link threshold, down to this: human review
    veto_threshold: float = 0.01  # a scored pair below this is a clear non-match
    # Two clusters merge only when the pairs scored across them are, on average in match
    # weight (average linkage), at least this likely: see _Clusters.refusal.
    cluster_threshold: float = 0.5
    max_cluster_size: int = 12
    # A pair this likely despite different document numbers vouches for those two numbers
    # belonging to one person wherever else they meet: see _Clusters._unweighed_document_conflict.
    documents_vouched_probability: float = 0.99
    max_year_gap: int = 3
    max_block_group: int = 300  # see add_broad_block_keys
    min_records_for_training: int = 2000
    min_probability: float = 0.005  # floor for trained m and u probabilities, see _smoothed
    u_sample_pairs: float = 2e6
    seed: int = 42
    threads: int | None = None
    backend: str = "duckdb"  # or "spark": see score_pairs
    # DuckDB's working memory; beyond it, it spills to a temporary directory. Its own default
    # (80% of the machine) let a million records take the whole machine.
    memory_limit: str = "3GB"


@dataclass
class Result:
    cluster_of: list[int]  # cluster number for each record, in input order
    review: list[tuple[int, int, float, str]] = field(default_factory=list)
    pairs_scored: int = 0
    trained: bool = False


def record_features(index: int, record: Record) -> dict[str, Any]:
    """Return the matching columns of one record (keys only; None where missing)."""
    row: dict[str, Any] = {"unique_id": index}
    for name, text in zip(
        NAME_FIELDS, (record.given_name, record.family_name, record.father_name), strict=True
    ):
        row[f"{name}_mk"] = match_key(text) or None
        row[f"{name}_ph"] = phonetic_key(text) or None
        row[f"{name}_sk"] = skeleton_key(text) or None
        row[f"{name}_jw"] = distinctive_key(text) or None
        # Whether Mohammad or an Abdul was cut off: see _similar_level.
        row[f"{name}_cut"] = row[f"{name}_jw"] != row[f"{name}_mk"]
    # Given and family name in alphabetical order: a swap compared whatever the typos in it.
    both = (row["given_mk"], row["family_mk"])
    row["names_sorted"] = "|".join(sorted(both)) if all(both) else None  # type: ignore[type-var]
    row["given_core"] = core_key(record.given_name) or None
    row["father_core"] = core_key(record.father_name) or None
    row["given_initial"] = (row["given_mk"] or "")[:1] or None
    row["family_initial"] = (row["family_mk"] or "")[:1] or None
    row["sex"] = record.sex
    row["dob"] = record.dob
    row["yob"] = record.yob
    row["dob_md"] = record.dob.strftime("%m%d") if record.dob else None
    row["phone"] = record.phone
    row["document"] = record.document
    words = sorted(set(clean(record.address).split()))
    row["address_key"] = " ".join(words) or None
    row["address_words"] = words or None
    return row


# Broad blocking keys (a given name with one other name) are used only where the key's group is
# small: for "Mohammad, son of Nazar Mohammad" the narrower rules with a year of birth or a
# family name must do, or one block alone would hold millions of pairs.
BROAD_KEYS = {
    "block_given_father": ("given_ph", "father_ph"),
    "block_given_family": ("given_ph", "family_ph"),
    "block_skeletons": ("given_sk", "father_sk"),
    "block_given_year": ("given_ph", "yob"),
    # A misspelt given name: the same father and family name, born the same year.
    "block_parents_year": ("father_ph", "family_ph", "yob"),
    # A mistyped year of birth: one name and the day and month of birth.
    "block_given_birthday": ("given_ph", "dob_md"),
    "block_family_birthday": ("family_ph", "dob_md"),
}


# With addresses (settings_for(address=True)): the same address with an initial or a year of
# birth, capped like the broad keys (a refugee village or camp may be everyone's address).
ADDRESS_BLOCK_KEYS = {
    "block_address_initial": ("address_key", "given_initial"),
    "block_address_year": ("address_key", "yob"),
}


def add_broad_block_keys(rows: Sequence[dict[str, Any]], max_group: int) -> None:
    """Set the broad blocking keys on rows, or None where the key's group exceeds max_group."""
    for column, parts in (BROAD_KEYS | ADDRESS_BLOCK_KEYS).items():
        keys = [
            "|".join(str(row[p]) for p in parts) if all(row[p] for p in parts) else None
            for row in rows
        ]
        sizes = Counter(k for k in keys if k is not None)
        for row, key in zip(rows, keys, strict=True):
            row[column] = key if key is not None and sizes[key] <= max_group else None


# --- the model --------------------------------------------------------------------------------


def _sql_level(sql_condition: str, label_for_charts: str | None = None) -> Any:
    """Return a comparison level from SQL in DuckDB's dialect (Splink translates it for Spark)."""
    import splink.comparison_level_library as cll

    return cll.CustomLevel(
        sql_condition, label_for_charts=label_for_charts, base_dialect_str="duckdb"
    )


def _name_comparison(name: str, *, swap_with: str | None, core: bool) -> Any:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    mk, ph, sk = f"{name}_mk", f"{name}_ph", f"{name}_sk"
    levels: list[Any] = [
        cll.NullLevel(mk),
        cll.ExactMatchLevel(mk, term_frequency_adjustments=True),
        _sql_level(f'"{ph}_l" = "{ph}_r"', label_for_charts="phonetic key equal"),
        _similar_level(name, 0.92),
    ]
    equal_core = f' OR "{name}_core_l" = "{name}_core_r"' if core else ""
    levels.append(
        _sql_level(f'"{sk}_l" = "{sk}_r"{equal_core}', label_for_charts="skeleton or core equal")
    )
    if swap_with:
        levels.append(
            _sql_level(
                _swapped_sql(name, swap_with, partial=name == "given"),
                label_for_charts=f"{name} equals the other record's {swap_with}",
            )
        )
        levels.append(_swapped_similar_level(name, swap_with))
    levels += [_similar_level(name, 0.8), cll.ElseLevel()]
    return cl.CustomComparison(levels, output_column_name=name)


def _similar_level(name: str, threshold: float) -> Any:
    """Return the level "Jaro-Winkler at least threshold", on the part of names that differs.

    When both names lost a Mohammad or an Abdul (see names.distinctive_key), what is left is
    compared: "Abdul Rahman" and "Abdul Rahim" share "abdul", which alone puts their whole keys
    at 0.95. Otherwise the whole match keys are, so that a typo inside the Abdul ("Ad-ul
    Rahman") still finds "Abdul Rahman".
    """
    import splink.comparison_level_library as cll

    both_cut = f'"{name}_cut_l" AND "{name}_cut_r"'
    return cll.Or(
        cll.And(_sql_level(both_cut), cll.JaroWinklerLevel(f"{name}_jw", threshold)),
        cll.And(
            _sql_level(f"NOT ({both_cut})"),
            cll.JaroWinklerLevel(f"{name}_mk", threshold),
        ),
    ).configure(label_for_charts=f"similar at Jaro-Winkler {threshold}")


def _swapped_similar_level(name: str, other: str) -> Any:
    """Return the level "swapped and misspelt": "Ahmd Kakar" and "Kakar Ahmad".

    Both names are present on both records and unlike in their own fields, and the two names
    taken in alphabetical order are alike: the names changed places and one of them was
    spelt differently, which the swap on phonetic keys does not see.
    """
    import splink.comparison_level_library as cll

    return cll.And(
        cll.JaroWinklerLevel("names_sorted", 0.9),
        cll.Not(cll.JaroWinklerLevel(f"{name}_mk", 0.8)),
        cll.Not(cll.JaroWinklerLevel(f"{other}_mk", 0.8)),
    ).configure(label_for_charts=f"{name} and {other} swapped, spelt differently")


def _swapped_sql(name: str, other: str, *, partial: bool) -> str:
    """Return the SQL condition of a swap between two name fields, on phonetic keys.

    Both names must have changed places. With ``partial`` (the given name's comparison
    only, so the evidence is counted once), one record may have the other field blank:
    "Achakzai" typed as the given name with no family name. One name found in the other
    field while the second names disagree is no swap: "Roya Mohammadi" and "Mohammadi Hasina"
    are two people.
    """
    a, b = f"{name}_ph", f"{other}_ph"
    sides = []
    for left, right in (("l", "r"), ("r", "l")):
        crossed = f'"{a}_{left}" = "{b}_{right}"'
        back = f'"{b}_{left}" = "{a}_{right}"'
        if partial:
            back = f'({back} OR "{b}_{left}" IS NULL)'
        sides.append(f"({crossed} AND {back})")
    return " OR ".join(sides)


def _dob_comparison() -> Any:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(
        [
            cll.NullLevel("yob"),
            _sql_level('"dob_l" = "dob_r"', label_for_charts="same date"),
            _sql_level(
                '"yob_l" = "yob_r" AND ("dob_l" IS NULL OR "dob_r" IS NULL)',
                label_for_charts="same year, one date is a year only",
            ),
            _sql_level(
                '"dob_md_l" = "dob_md_r" AND abs("yob_l" - "yob_r") <= 1',
                label_for_charts="same day and month, year one apart",
            ),
            _sql_level('"yob_l" = "yob_r"', label_for_charts="same year, other day"),
            _sql_level('abs("yob_l" - "yob_r") <= 2', label_for_charts="years within 2"),
            cll.ElseLevel(),
        ],
        output_column_name="dob",
    )


def settings_for(*, address: bool = False) -> Any:
    """Return the Splink settings of Panah's duplicate-detection model.

    The same settings serve every back end (DuckDB, Spark): custom SQL is written in DuckDB's
    dialect and translated by Splink. With ``address``, records also carry an address (see
    Record.address) that is compared and blocked on; registers read from CSV have none.
    """
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    rules = [
        block_on("phone"),
        block_on("document"),
        block_on("given_ph", "father_ph", "yob"),
        block_on("given_ph", "family_ph", "yob"),
        block_on("given_ph", "father_ph", "family_ph"),
        block_on("given_sk", "father_sk", "yob"),
        # A misspelt or missing name: the full date of birth with one other name.
        block_on("dob", "given_initial"),
        block_on("dob", "family_initial"),
        block_on("dob", "family_ph"),
        block_on("dob", "father_ph"),
        # Mohammad dropped or added: "Mohammad Ishaq" / "Ishaq".
        block_on("given_core", "yob"),
        *(block_on(column) for column in BROAD_KEYS),
        # Given and family name swapped, one of them missing or misspelt on one side.
        _rule("l.given_ph = r.family_ph AND l.yob = r.yob"),
        _rule("l.family_ph = r.given_ph AND l.yob = r.yob"),
        # Given and family name swapped between the two records.
        _rule("l.given_ph = r.family_ph AND l.family_ph = r.given_ph"),
    ]
    comparisons = [
        _name_comparison("given", swap_with="family", core=True),
        _name_comparison("family", swap_with="given", core=False),
        _name_comparison("father", swap_with=None, core=True),
        _dob_comparison(),
        cl.ExactMatch("sex"),
        cl.ExactMatch("phone"),
        cl.CustomComparison(
            [
                cll.NullLevel("document"),
                cll.ExactMatchLevel("document"),
                cll.DamerauLevenshteinLevel("document", 1),
                cll.ElseLevel(),
            ],
            output_column_name="document",
        ),
    ]
    if address:
        rules += [block_on(column) for column in ADDRESS_BLOCK_KEYS]
        comparisons.append(
            cl.CustomComparison(
                [
                    cll.NullLevel("address_key"),
                    cll.ExactMatchLevel("address_key"),
                    cll.ArrayIntersectLevel("address_words", 3),
                    cll.ArrayIntersectLevel("address_words", 2),
                    cll.ArrayIntersectLevel("address_words", 1),
                    cll.ElseLevel(),
                ],
                output_column_name="address",
            )
        )
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        probability_two_random_records_match=1e-4,
        blocking_rules_to_generate_predictions=rules,
        comparisons=comparisons,
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


def _rule(sql: str) -> Any:
    from splink.blocking_rule_library import CustomRule

    return CustomRule(sql, sql_dialect="duckdb")


# The name rules of EM training for the document number, first that pairs enough records.
_DOCUMENT_TRAINING_RULES = (
    ("given_ph", "father_ph"),
    ("given_ph", "family_ph"),
    ("given_ph", "dob"),
)
_MIN_EM_PAIRS = 100


def _pairs_sharing(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> int:
    """Return how many pairs of rows agree on every one of columns (none of them missing)."""
    groups = Counter(
        tuple(row[c] for c in columns) for row in rows if all(row[c] is not None for c in columns)
    )
    return sum(n * (n - 1) // 2 for n in groups.values())


def _uses_address(rows: Sequence[dict[str, Any]]) -> bool:
    return any(row.get("address_key") for row in rows)


def score_pairs(
    rows: Sequence[dict[str, Any]],
    options: Options,
    *,
    explain: bool = False,
    spark: Any = None,
    for_clustering: bool = False,
) -> tuple[list[Any], bool]:
    """Return (scored pairs as (id_l, id_r, match_probability), whether the model was trained).

    With ``explain``, each pair also carries two dicts: the level of every comparison that was
    not null (comparison name → code of LEVEL_CODES) and its match weight in bits.

    With ``for_clustering``, only the pairs `cluster` can ever read are returned: those at or
    above the review threshold, and the others only where both records are joined by links (at
    or above the link threshold, directly or through other records), since clustering reads
    scores only between records that links could put in one cluster. At a million records
    that is a small part of the tens of millions of pairs scored (most are namesakes in a
    block, far below any threshold), which would not fit in memory as Python tuples.

    ``options.backend`` chooses where Splink runs: "duckdb" (in this process) or "spark" (the
    SparkSession given as ``spark``, or a local one from local_spark_session()). The model,
    its training and its settings are the same on both.
    """
    from splink import Linker, block_on

    address = _uses_address(rows)
    backend = _backend(options, spark)
    try:
        linker = Linker(
            backend.register(rows, "people"),
            settings_for(address=address),
            log_level=logging.WARNING,
        )
        trained = False
        if len(rows) >= options.min_records_for_training:
            try:
                linker.training.estimate_probability_two_random_records_match(
                    [block_on("document"), block_on("phone", "given_ph")], recall=0.7
                )
                linker.training.estimate_u_using_random_sampling(
                    max_pairs=options.u_sample_pairs, seed=options.seed
                )
                # Names are trained on pairs sharing a document number, not a phone: siblings
                # share a phone, and would teach the model that different given names match.
                linker.training.estimate_parameters_using_expectation_maximisation(
                    block_on("document"), estimate_without_term_frequencies=True
                )
                # The document number is trained on pairs sharing names: the first of these
                # rules that pairs enough records of this input (a register may have no
                # father's names). Counted here: a failed EM session leaves Splink's settings
                # half changed.
                rule = next(
                    (
                        r
                        for r in _DOCUMENT_TRAINING_RULES
                        if _pairs_sharing(rows, r) >= _MIN_EM_PAIRS
                    ),
                    None,
                )
                if rule is not None:
                    linker.training.estimate_parameters_using_expectation_maximisation(
                        block_on(*rule), estimate_without_term_frequencies=True
                    )
                model: Any = _smoothed(linker.misc.save_model_to_json(), options.min_probability)
                trained = True
            except Exception:  # an input too uniform for EM: fall back to the defaults
                logger.warning("training failed; using the default model", exc_info=True)
        if not trained:
            model = default_settings(len(rows), address=address)
        if explain:
            # The comparison levels (gamma_*) come out with the matching columns, the weights
            # (mw_*) with the intermediate ones: both stay inside the back end.
            if isinstance(model, dict):
                model["retain_matching_columns"] = True
                model["retain_intermediate_calculation_columns"] = True
            else:
                model.retain_matching_columns = True
                model.retain_intermediate_calculation_columns = True
        linker = Linker(backend.register(rows, "people_scored"), model, log_level=logging.WARNING)
        predictions = linker.inference.predict(warning_mode="never")
        codes = _level_codes(address)
        columns = ["unique_id_l", "unique_id_r", "match_probability"]
        if explain:
            present = backend.columns(predictions)
            columns += [f"gamma_{name}" for name in codes]
            # A name's weight is its level's plus the term-frequency adjustment (rarer names
            # agreeing count for more), which Splink keeps in a column of its own.
            columns += [
                f"mw_{name} + coalesce(mw_tf_adj_{name}, 0)"
                if f"mw_tf_adj_{name}" in present
                else f"mw_{name}"
                for name in codes
            ]
        if for_clustering and not explain:
            pairs = _pairs_for_clustering(backend, predictions, columns, options)
        else:
            pairs = backend.select(predictions, columns)
    finally:
        backend.close()
    if explain:
        pairs = [_explained(row, codes) for row in pairs]
    return pairs, trained


def _pairs_for_clustering(
    backend: _DuckDB | _Spark, predictions: Any, columns: Sequence[str], options: Options
) -> list[Any]:
    """Return the scored pairs `cluster` can read (see score_pairs, ``for_clustering``)."""
    strong = backend.select(
        predictions, columns, where=f"match_probability >= {float(options.review_threshold)}"
    )
    parent: dict[Any, Any] = {}

    def find(x: Any) -> Any:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for left, right, probability, *_rest in strong:
        if probability is not None and probability >= options.link_threshold:
            a, b = find(left), find(right)
            if a != b:
                parent[a] = b
    numbers: dict[Any, int] = {}
    components = {x: numbers.setdefault(find(x), len(numbers)) for x in list(parent)}
    if not components:
        return strong
    weak = backend.select_within(
        predictions,
        columns,
        components,
        where=f"match_probability < {float(options.review_threshold)}",
    )
    return strong + weak


class _DuckDB:
    """Splink on an in-memory DuckDB database of this process (the default)."""

    def __init__(self, options: Options) -> None:
        import duckdb
        from splink import DuckDBAPI

        self.connection = duckdb.connect()
        if options.threads:
            self.connection.execute(f"SET threads = {int(options.threads)}")
        self.spill = tempfile.mkdtemp(prefix="panah-dedupe-")
        self.connection.execute("SET memory_limit = ?", [options.memory_limit])
        self.connection.execute("SET temp_directory = ?", [self.spill])
        self.api = DuckDBAPI(connection=self.connection)
        self.table = ""

    def register(self, rows: Sequence[dict[str, Any]], name: str) -> Any:
        if not self.table:
            self.connection.register("people_input", _arrow_table(rows))
            self.connection.execute("CREATE TABLE people AS SELECT * FROM people_input")
            self.connection.unregister("people_input")
            self.table = "people"
        return self.api.register(self.table, table_name=name)

    def columns(self, frame: Any) -> set[str]:
        query = f"SELECT * FROM {frame.physical_name} LIMIT 0"  # noqa: S608 (Splink's name)
        return {d[0] for d in self.connection.execute(query).description}

    def select(self, frame: Any, columns: Sequence[str], where: str = "TRUE") -> list[Any]:
        query = f"SELECT {', '.join(columns)} FROM {frame.physical_name} WHERE {where}"  # noqa: S608
        return list(self.connection.execute(query).fetchall())

    def select_within(
        self, frame: Any, columns: Sequence[str], components: dict[Any, int], where: str
    ) -> list[Any]:
        """Select the pairs matching `where` whose two records share a component."""
        import pyarrow as pa

        table = pa.table({"id": list(components), "c": list(components.values())})
        self.connection.register("components", table)
        try:
            query = (
                f"SELECT {', '.join('p.' + c for c in columns)} "  # noqa: S608 (our names)
                f"FROM {frame.physical_name} p "
                "JOIN components a ON a.id = p.unique_id_l "
                "JOIN components b ON b.id = p.unique_id_r "
                f"WHERE a.c = b.c AND ({where})"
            )
            return list(self.connection.execute(query).fetchall())
        finally:
            self.connection.unregister("components")

    def close(self) -> None:
        self.connection.close()
        shutil.rmtree(self.spill, ignore_errors=True)


class _Spark:
    """Splink on Spark: the way a national register is deduplicated across machines."""

    def __init__(self, options: Options, session: Any) -> None:
        from splink.backends.spark import SparkAPI

        self.session = session or local_spark_session(options.threads or 2)
        # Splink cuts Spark's long query plans by checkpointing, which needs a checkpoint
        # directory (a cluster sets one on shared storage); without one, by caching.
        checkpoints = self.session.sparkContext.getCheckpointDir()
        self.api = SparkAPI(
            spark_session=self.session,
            break_lineage_method="checkpoint" if checkpoints else "persist",
        )
        self.frame: Any = None

    def register(self, rows: Sequence[dict[str, Any]], name: str) -> Any:
        if self.frame is None:
            self.frame = self.session.createDataFrame(_arrow_table(rows)).cache()
        return self.api.register(self.frame, table_name=name)

    def columns(self, frame: Any) -> set[str]:
        return set(frame.as_spark_dataframe().columns)

    def select(self, frame: Any, columns: Sequence[str], where: str = "TRUE") -> list[Any]:
        result = frame.as_spark_dataframe().where(where).selectExpr(*columns)
        return [tuple(row) for row in result.toLocalIterator()]

    def select_within(
        self, frame: Any, columns: Sequence[str], components: dict[Any, int], where: str
    ) -> list[Any]:
        """Select the pairs matching `where` whose two records share a component."""
        session = self.session
        table = session.createDataFrame(list(components.items()), "id long, c long")
        pairs = frame.as_spark_dataframe().where(where)
        left = table.withColumnRenamed("id", "unique_id_l").withColumnRenamed("c", "_cl")
        right = table.withColumnRenamed("id", "unique_id_r").withColumnRenamed("c", "_cr")
        result = (
            pairs.join(left, "unique_id_l").join(right, "unique_id_r").where("_cl = _cr")
        ).selectExpr(*columns)
        return [tuple(row) for row in result.toLocalIterator()]

    def close(self) -> None:
        if self.frame is not None:
            self.frame.unpersist()


def _backend(options: Options, spark: Any) -> _DuckDB | _Spark:
    if options.backend == "duckdb":
        return _DuckDB(options)
    if options.backend == "spark":
        return _Spark(options, spark)
    raise ValueError(f"unknown back end {options.backend!r}: use 'duckdb' or 'spark'")


def _arrow_table(rows: Sequence[dict[str, Any]]) -> Any:
    import pyarrow as pa

    columns = list(rows[0])
    arrays = {c: [row[c] for row in rows] for c in columns}
    if "address_words" in arrays:  # a list column must be typed even when all are null
        arrays["address_words"] = pa.array(arrays["address_words"], type=pa.list_(pa.string()))
    return pa.table(arrays)


def local_spark_session(threads: int = 2) -> Any:
    """Return a local SparkSession set up for Splink (its similarity functions' JAR loaded).

    For tests and for trying the Spark path on one machine; a deployment passes the session
    of its cluster instead, started with the same JAR (splink.backends.spark).
    """
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    return (
        SparkSession.builder.master(f"local[{threads}]")
        .appName("panah-dedupe")
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", str(max(2, threads * 2)))
        .config("spark.default.parallelism", str(max(2, threads * 2)))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        # One machine: the driver listens on the loopback interface only.
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )


# Stable codes of each comparison's levels, best agreement first, in the order settings_for()
# lists them (the null level excluded). Splink numbers a comparison's levels from the last
# (0, "else") up, and the null level -1; the stored evidence of review candidates uses these
# codes, never values.
# Given and family names share their levels (_name_comparison with swap_with).
_SWAPPABLE_NAME_CODES = (
    "exact",
    "phonetic",
    "spelling",
    "skeleton",
    "swapped",
    "swapped_misspelt",
    "similar",
    "different",
)
LEVEL_CODES: dict[str, tuple[str, ...]] = {
    "given": _SWAPPABLE_NAME_CODES,
    "family": _SWAPPABLE_NAME_CODES,
    "father": ("exact", "phonetic", "spelling", "skeleton", "similar", "different"),
    "dob": (
        "same_date",
        "same_year_one_date",
        "day_month_year_apart",
        "same_year",
        "within_2",
        "different",
    ),
    "sex": ("same", "different"),
    "phone": ("same", "different"),
    "document": ("same", "one_edit", "different"),
}


# The optional address comparison (settings_for(address=True)): not part of LEVEL_CODES, which
# are the codes of the model the application runs (it records no addresses).
ADDRESS_LEVEL_CODES = ("same", "three_words", "two_words", "one_word", "different")


def _level_codes(address: bool) -> dict[str, tuple[str, ...]]:
    return LEVEL_CODES | {"address": ADDRESS_LEVEL_CODES} if address else LEVEL_CODES


def level_code(comparison: str, gamma: int) -> str | None:
    """Return the code of a comparison's level from Splink's number for it (None: a null)."""
    codes = _level_codes(address=True)[comparison]
    if gamma < 0:
        return None
    return codes[len(codes) - 1 - gamma]


def _explained(row: Sequence[Any], codes: dict[str, tuple[str, ...]]) -> tuple[Any, ...]:
    count = len(codes)
    gammas, weights = row[3 : 3 + count], row[3 + count : 3 + 2 * count]
    levels: dict[str, str] = {}
    bits: dict[str, float] = {}
    for name, gamma, weight in zip(codes, gammas, weights, strict=True):
        code = level_code(name, int(gamma)) if gamma is not None else None
        if code is not None:
            levels[name] = code
            bits[name] = round(float(weight or 0.0), 2)
    return (row[0], row[1], row[2], levels, bits)


def _smoothed(model: dict[str, Any], floor: float) -> dict[str, Any]:
    """Return the trained model with every m probability kept within [floor, 1 - floor].

    EM on one data set can drive a level's m to 0 (the data never showed, say, two records of
    one person with different document numbers), which makes that level an absolute veto worth
    hundreds of bits. Real registers have such errors; the floor keeps any one field from
    deciding alone. Unobserved levels get the floor too.
    """
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            level["m_probability"] = floor if m is None else min(max(m, floor), 1 - floor)
            # u is the chance agreement between two random people: genuinely tiny for an
            # identifier, so it only must not be zero.
            level["u_probability"] = min(max(u or 0.0, 1e-6), 1 - 1e-6)
    return model


# --- defaults (used for small inputs) ---------------------------------------------------------

# m-probabilities per comparison level (null level excluded), in the order of settings_for().
_DEFAULT_M = {
    "given": [0.55, 0.2, 0.1, 0.08, 0.03, 0.01, 0.02, 0.01],
    "family": [0.6, 0.15, 0.08, 0.05, 0.06, 0.01, 0.03, 0.02],
    "father": [0.55, 0.2, 0.1, 0.08, 0.05, 0.02],
    "dob": [0.55, 0.25, 0.08, 0.04, 0.04, 0.04],
    "sex": [0.99, 0.01],
    "phone": [0.6, 0.4],
    "document": [0.85, 0.1, 0.05],
    "address": [0.5, 0.2, 0.15, 0.1, 0.05],
}
_DEFAULT_U = {
    "given": [0.03, 0.005, 0.003, 0.01, 0.005, 0.001, 0.05, 0.896],
    "family": [0.05, 0.005, 0.005, 0.01, 0.003, 0.001, 0.05, 0.876],
    "father": [0.05, 0.01, 0.005, 0.01, 0.05, 0.875],
    "dob": [0.0001, 0.01, 0.0005, 0.005, 0.05, 0.9344],
    "sex": [0.5, 0.5],
    "phone": [0.0002, 0.9998],
    "document": [0.0001, 0.0002, 0.9997],
    "address": [0.0005, 0.002, 0.02, 0.2, 0.7775],
}


def default_settings(record_count: int, *, address: bool = False) -> Any:
    """Return the model with fixed m/u probabilities, for inputs too small to train on.

    The prior assumes about one duplicate pair per record among all n²/2 pairs.
    """
    settings = settings_for(address=address)
    settings.probability_two_random_records_match = min(0.1, 2 / max(record_count, 2))
    for comparison in settings.comparisons:
        name = comparison.create_output_column_name()
        comparison.configure(m_probabilities=_DEFAULT_M[name], u_probabilities=_DEFAULT_U[name])
    return settings


# --- clustering -------------------------------------------------------------------------------


class _Clusters:
    """Union-find with the per-cluster facts that can forbid a merge."""

    def __init__(self, records: Sequence[Record]) -> None:
        self.records = records
        self.parent = list(range(len(records)))
        self.members: dict[int, list[int]] = {i: [i] for i in range(len(records))}
        self.documents: dict[int, set[str]] = {
            i: {r.document} if r.document else set() for i, r in enumerate(records)
        }
        self.sexes: dict[int, set[str]] = {
            i: {r.sex} if r.sex else set() for i, r in enumerate(records)
        }
        self.years: dict[int, tuple[int, int] | None] = {
            i: (r.yob, r.yob) if r.yob else None for i, r in enumerate(records)
        }

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def refusal(
        self,
        a: int,
        b: int,
        options: Options,
        scores: dict[tuple[int, int], float],
        *,
        anchored: bool,
    ) -> str:
        """Return why clusters a and b may not merge, or "" when they may.

        An *anchored* link (the two records share a document number, or their dates of birth
        differ only by two swapped digits of the year) may join clusters whose years of birth
        are far apart: a wrong year is a likelier error than a shared card or a birthday
        shared to the day with a transposed year.

        The link that proposes the merge joins one record of each cluster; every other pair
        across them that the model scored must agree on average: the mean of their match
        weights (log-odds) must reach that of ``cluster_threshold`` (average linkage). A chain
        A–B–C where A and C clearly differ stops there, and so does a strong pair whose
        clusters hold records the other side does not match; one poor record among good ones
        does not forbid the merge alone, as a veto by any single pair would.
        """
        if len(self.members[a]) + len(self.members[b]) > options.max_cluster_size:
            return "cluster size cap"
        if self._unweighed_document_conflict(a, b, scores, options.documents_vouched_probability):
            return "different document numbers"
        if len(self.sexes[a] | self.sexes[b]) > 1:
            return "different sex"
        ya, yb = self.years[a], self.years[b]
        gap = max(ya[1], yb[1]) - min(ya[0], yb[0]) if ya and yb else 0
        if gap > options.max_year_gap and not anchored:
            return "years of birth too far apart"
        across = [
            scores[key]
            for i in self.members[a]
            for j in self.members[b]
            if (key := (min(i, j), max(i, j))) in scores
        ]
        if sum(map(_log_odds, across)) < _log_odds(options.cluster_threshold) * len(across):
            if min(across) < options.veto_threshold:
                return "a pair in the clusters is a clear non-match"
            return "uncertain"
        return ""

    def _unweighed_document_conflict(
        self, a: int, b: int, scores: dict[tuple[int, int], float], vouched: float
    ) -> bool:
        """Return whether two records across a and b carry different documents, unscored.

        Different numbers are no proof of different people: a person may hold a PoR card, a
        tazkira and a passport, and one organisation records one, another a second. Where the
        model compared the two records, the disagreement is in their score and the average
        below weighs it. Where it did not (a chain through a record with no number), nothing
        has, and the merge is refused: two cards reached through a third record are likelier
        two people. Unless the same two numbers (or keying errors of them) were compared in
        another pair across the clusters and that pair still scored at least ``vouched``: the
        model has then weighed that disagreement and found one person; a record it did not
        compare (a given name replaced, say) cannot make those two numbers two people again.
        """
        if not (self.documents[a] and self.documents[b]):
            return False
        if _near_equal(self.documents[a] | self.documents[b]):
            return False
        unweighed: list[tuple[str, str]] = []
        vouched_for: list[tuple[str, str]] = []
        for i in self.members[a]:
            one = self.records[i].document
            if not one:
                continue
            for j in self.members[b]:
                other = self.records[j].document
                if not other or _near_equal({one, other}):
                    continue
                score = scores.get((min(i, j), max(i, j)))
                if score is None:
                    unweighed.append((one, other))
                elif score >= vouched:
                    vouched_for.append((one, other))
        return any(
            not any(
                _near_equal({one, seen_one}) and _near_equal({other, seen_other})
                for seen_one, seen_other in vouched_for
            )
            for one, other in unweighed
        )

    def union(self, a: int, b: int) -> None:
        if len(self.members[a]) < len(self.members[b]):
            a, b = b, a
        self.parent[b] = a
        self.members[a] += self.members.pop(b)
        self.documents[a] |= self.documents.pop(b)
        self.sexes[a] |= self.sexes.pop(b)
        ya, yb = self.years[a], self.years.pop(b)
        if ya and yb:
            self.years[a] = (min(ya[0], yb[0]), max(ya[1], yb[1]))
        else:
            self.years[a] = ya or yb


def _word_keys(name: str) -> set[str]:
    """Return the phonetic keys of a name's words; Mohammad counts only when alone."""
    words = {phonetic_key(t) for t in name_tokens(name)}
    return words - {"mahamad"} or words


def given_names_differ(one: Record, other: Record) -> bool:
    """Return whether two records carry clearly different given names.

    Siblings share a father's name, a family name, often a phone and a year of birth: the given
    name is what tells them apart, so a pair whose given names have nothing in common is never
    merged automatically, however strong the rest (it goes to review). Not a difference: a
    missing name, given and family name swapped, a shared word (Mohammad Ishaq / Ishaq), or
    spellings within Jaro-Winkler 0.8. Sharing only "Mohammad" is not sharing a word.
    """
    if not (clean(one.given_name) and clean(other.given_name)):
        return False
    own, theirs = _word_keys(one.given_name), _word_keys(other.given_name)
    if own & theirs or skeleton_key(one.given_name) == skeleton_key(other.given_name):
        return False
    if core_key(one.given_name) == core_key(other.given_name):
        return False
    family_one, family_other = phonetic_key(one.family_name), phonetic_key(other.family_name)
    if phonetic_key(one.given_name) in {family_other, core_key(other.family_name)} or (
        phonetic_key(other.given_name) in {family_one, core_key(one.family_name)}
    ):
        return False
    return bool(_similarity(one.given_name, other.given_name) < 0.8)


def _similarity(one: str, other: str) -> float:
    """Return the Jaro-Winkler similarity of two names as _similar_level computes it."""
    keys = [(match_key(name), distinctive_key(name)) for name in (one, other)]
    if all(whole != distinctive for whole, distinctive in keys):
        return float(JaroWinkler.similarity(keys[0][1], keys[1][1]))
    return float(JaroWinkler.similarity(keys[0][0], keys[1][0]))


def _near_equal(documents: set[str]) -> bool:
    """Return whether document numbers are keying errors of one number.

    Every two must be within one edit (insertion, deletion, substitution or transposition of
    neighbours), or two for numbers of 10 characters or more (CNIC-like), where two edits
    between different people's numbers are rare.
    """
    for one, other in combinations(sorted(documents), 2):
        allowed = 2 if min(len(one), len(other)) >= 10 else 1
        if OSA.distance(one, other, score_cutoff=allowed) > allowed:
            return False
    return True


def _log_odds(probability: float) -> float:
    probability = min(max(probability, 1e-12), 1 - 1e-12)
    return math.log(probability / (1 - probability))


def _year_digits_swapped(one: Record, other: Record) -> bool:
    """Whether two full dates of birth differ only by two neighbouring digits of the year
    swapped (1985-03-21 and 1958-03-21): a typing slip, not a person born decades apart."""
    if one.dob is None or other.dob is None or one.dob.year == other.dob.year:
        return False
    if (one.dob.month, one.dob.day) != (other.dob.month, other.dob.day):
        return False
    a, b = str(one.dob.year), str(other.dob.year)
    return len(a) == len(b) and any(
        a[:i] + a[i + 1] + a[i] + a[i + 2 :] == b for i in range(len(a) - 1)
    )


def _same_document(one: Record, other: Record) -> bool:
    return bool(one.document and other.document and _near_equal({one.document, other.document}))


def cluster(
    records: Sequence[Record],
    pairs: Sequence[tuple[int, int, float]],
    options: Options,
) -> tuple[list[int], list[tuple[int, int, float, str]]]:
    """Return (cluster number per record, pairs for human review).

    Bad records are never linked. Cluster numbers follow the input order of each cluster's
    first record.
    """
    clusters = _Clusters(records)
    scores: dict[tuple[int, int], float] = {}
    links: list[tuple[float, int, int, bool]] = []
    review: list[tuple[int, int, float, str]] = []
    for left, right, probability in pairs:
        if records[left].bad or records[right].bad or probability is None:
            continue
        anchored = _same_document(records[left], records[right])
        year_typo = _year_digits_swapped(records[left], records[right])
        if (
            probability >= options.review_threshold
            and not anchored
            and given_names_differ(records[left], records[right])
        ):
            review.append((left, right, probability, "given names differ"))
            probability = 0.0  # a veto: siblings share everything else
        scores[(min(left, right), max(left, right))] = probability
        if probability >= options.link_threshold:
            links.append((probability, min(left, right), max(left, right), anchored or year_typo))
        elif probability >= options.review_threshold:
            review.append((left, right, probability, "uncertain"))
    links.sort(key=lambda link: (-link[0], link[1], link[2]))
    for probability, left, right, anchored in links:
        a, b = clusters.find(left), clusters.find(right)
        if a == b:
            continue
        reason = clusters.refusal(a, b, options, scores, anchored=anchored)
        if reason:
            review.append((left, right, probability, reason))
        else:
            clusters.union(a, b)
    numbers: dict[int, int] = {}
    cluster_of = [numbers.setdefault(clusters.find(i), len(numbers)) for i in range(len(records))]
    # A review pair already in one cluster needs no review.
    review = [p for p in review if cluster_of[p[0]] != cluster_of[p[1]]]
    return cluster_of, review


def deduplicate(
    records: Sequence[Record], options: Options | None = None, *, spark: Any = None
) -> Result:
    """Score and cluster records; bad records stay alone in their own cluster.

    ``spark``: the SparkSession to use when ``options.backend`` is "spark" (see score_pairs).
    """
    options = options or Options()
    good = [i for i, r in enumerate(records) if not r.bad]
    pairs: list[tuple[int, int, float]] = []
    trained = False
    if len(good) >= 2:
        rows = [record_features(i, records[i]) for i in good]
        add_broad_block_keys(rows, options.max_block_group)
        scored, trained = score_pairs(rows, options, spark=spark, for_clustering=True)
        pairs = [(int(a), int(b), float(p)) for a, b, p in scored if p is not None]
        pairs = [p for p in pairs if not math.isnan(p[2])]
    cluster_of, review = cluster(records, pairs, options)
    return Result(cluster_of=cluster_of, review=review, pairs_scored=len(pairs), trained=trained)


# --- review candidates (the application's duplicate queue) ------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A pair of records worth a person's look: its probability and why."""

    left: int  # indexes into the input records
    right: int
    probability: float
    levels: dict[str, str]  # comparison → LEVEL_CODES code (missing where a record is blank)
    weights: dict[str, float]  # comparison → match weight in bits (+ for, - against)
    reason: str  # why clustering sent it to review ("" when it would have merged it)


def candidates(records: Sequence[Record], options: Options | None = None) -> list[Candidate]:
    """Return every scored pair at or above the review threshold, strongest first.

    The same model and clustering as ``deduplicate``; where the clustering refused a link or
    found a pair uncertain, its reason comes with the pair. Nothing is merged here: a person
    decides each pair.
    """
    options = options or Options()
    good = [i for i, r in enumerate(records) if not r.bad]
    if len(good) < 2:
        return []
    rows = [record_features(i, records[i]) for i in good]
    add_broad_block_keys(rows, options.max_block_group)
    scored, _ = score_pairs(rows, options, explain=True)
    explained = {
        (int(a), int(b)): (float(p), levels, weights)
        for a, b, p, levels, weights in scored
        if p is not None and not math.isnan(p)
    }
    pairs = [(a, b, p) for (a, b), (p, _, _) in explained.items()]
    _, review = cluster(records, pairs, options)
    reasons = {(min(a, b), max(a, b)): reason for a, b, _, reason in review}
    found = []
    for (a, b), (probability, levels, weights) in explained.items():
        if probability < options.review_threshold:
            continue
        left, right = min(a, b), max(a, b)
        found.append(
            Candidate(left, right, probability, levels, weights, reasons.get((left, right), ""))
        )
    found.sort(key=lambda c: (-c.probability, c.left, c.right))
    return found
