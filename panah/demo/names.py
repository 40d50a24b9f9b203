"""Synthetic Afghan names for demo data, in Latin and Arabic script (shared/domain §5.3).

These are common given names and tribal names, combined at random: no real person is meant.
"""

from __future__ import annotations

MALE_GIVEN = [
    ("Mohammad Zaman", "محمد زمان"),
    ("Abdul Rahman", "عبدالرحمن"),
    ("Najibullah", "نجیب الله"),
    ("Gul Mohammad", "ګل محمد"),
    ("Ahmad Khan", "احمد خان"),
    ("Abdul Ali", "عبدالعلی"),
    ("Din Mohammad", "دین محمد"),
    ("Ghulam Hazrat", "غلام حضرت"),
    ("Rahimullah", "رحیم الله"),
    ("Imdadullah", "امداد الله"),
    ("Hayatullah", "حیات الله"),
    ("Sayed Jan", "سید جان"),
    ("Noor Ahmad", "نور احمد"),
    ("Abdul Samad", "عبدالصمد"),
    ("Shafiqullah", "شفیق الله"),
    ("Zabihullah", "ذبیح الله"),
    ("Mirwais", "میرویس"),
    ("Habibullah", "حبیب الله"),
    ("Ali Reza", "علی رضا"),
    ("Hussain Ali", "حسین علی"),
]
FEMALE_GIVEN = [
    ("Gul Bibi", "ګل بی بی"),
    ("Zarghuna", "زرغونه"),
    ("Malalai", "ملالۍ"),
    ("Fatima", "فاطمه"),
    ("Shabana", "شبانه"),
    ("Nasreen", "نسرین"),
    ("Palwasha", "پلوشه"),
    ("Mariam", "مریم"),
    ("Sakina", "سکینه"),
    ("Zahra", "زهرا"),
    ("Laila", "لیلا"),
    ("Nazia", "نازیه"),
]
FAMILY = [
    ("Achakzai", "اڅکزی"),
    ("Kakar", "کاکړ"),
    ("Noorzai", "نورزی"),
    ("Barakzai", "بارکزی"),
    ("Popalzai", "پوپلزی"),
    ("Alizai", "علیزی"),
    ("Ishaqzai", "اسحاقزی"),
    ("Tarin", "ترین"),
    ("Mandokhel", "مندوخیل"),
    ("Hazara", "هزاره"),
    ("Sadat", "سادات"),
    ("", ""),
]
FATHER = [
    ("Haji Abdul Samad", "حاجی عبدالصمد"),
    ("Gul Khan", "ګل خان"),
    ("Mohammad Nabi", "محمد نبی"),
    ("Sher Ali", "شیر علی"),
    ("Abdul Qadir", "عبدالقادر"),
    ("Juma Khan", "جمعه خان"),
    ("Wali Mohammad", "ولی محمد"),
    ("Mullah Dost Mohammad", "ملا دوست محمد"),
    ("Ghulam Sakhi", "غلام سخی"),
    ("Mohammad Ibrahim", "محمد ابراهیم"),
]
