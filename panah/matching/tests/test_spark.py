"""The Spark back end runs the same model as DuckDB and finds the same people.

Optional: needs pyspark (`pip install -e .[spark]`, Java 17) and PANAH_TEST_SPARK=1, because a
local Spark session takes 10–25 s to start and the run about a minute on two cores.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import time
from collections.abc import Iterator
from typing import Any

import pytest

from panah.matching import synthetic
from panah.matching.dedupe import Options, deduplicate, local_spark_session
from panah.matching.evaluate import pairwise_scores
from panah.matching.records import HEADER, Record, read_records

pytestmark = [
    pytest.mark.spark,
    pytest.mark.skipif(
        os.environ.get("PANAH_TEST_SPARK") != "1", reason="set PANAH_TEST_SPARK=1 to run"
    ),
]


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    pytest.importorskip("pyspark")
    started = time.monotonic()
    session = local_spark_session(threads=2)
    print(f"Spark session started in {time.monotonic() - started:.1f} s")
    yield session
    session.stop()


def _records(people: int, seed: int) -> tuple[list[Record], list[int]]:
    rows = list(synthetic.generate(people, seed=seed))
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADER)
    writer.writerows(row for row, _ in rows)
    text.seek(0)
    return list(read_records(text)), [entity for _, entity in rows]


def test_spark_and_duckdb_find_the_same_clusters(spark: Any) -> None:
    records, truth = _records(150, seed=23)
    options = Options()  # too few records to train: the fixed model, identical on both

    on_duckdb = deduplicate(records, options)
    on_spark = deduplicate(records, dataclasses.replace(options, backend="spark"), spark=spark)

    assert on_spark.pairs_scored == on_duckdb.pairs_scored
    assert on_spark.cluster_of == on_duckdb.cluster_of
    review = {(left, right, reason): p for left, right, p, reason in on_duckdb.review}
    assert {(left, right, reason): p for left, right, p, reason in on_spark.review} == (
        pytest.approx(review)
    )
    precision, recall, _ = pairwise_scores(on_spark.cluster_of, truth)
    assert precision >= 0.9
    assert recall >= 0.8
