# Pashto: day before month, Arabic comma, 24-hour clock. Gregorian dates, since the legal
# deadlines Panah tracks are Pakistani; the solar Hijri calendar is not shown.
DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y، H:i"
SHORT_DATE_FORMAT = "Y/m/d"
SHORT_DATETIME_FORMAT = "Y/m/d، H:i"
FIRST_DAY_OF_WEEK = 6
DECIMAL_SEPARATOR = "٫"
THOUSAND_SEPARATOR = "٬"
NUMBER_GROUPING = 3
