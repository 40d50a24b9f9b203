"""Afghan names for synthetic demo and benchmark data, in Latin and Arabic script.

Common given names, fathers' names and tribal or group names (shared/domain/facts.md §5.3),
combined at random: no real person is meant. Pashtun names are written in Pashto spelling
(ګ, ړ, ې, ۍ), Hazara names in Dari spelling. Most Afghans in Balochistan are Pashtun; Quetta
also has a large Hazara community whose language is Dari (Hazaragi) (facts.md §4.7, §5.1).
Dari names traditionally carry no family name, so many Hazara entries have none.
"""

from __future__ import annotations

Name = tuple[str, str]  # (Latin script, Arabic script)

PASHTUN_MALE: list[Name] = [
    ("Mohammad Zaman", "محمد زمان"),
    ("Abdul Rahman", "عبدالرحمن"),
    ("Najibullah", "نجیب الله"),
    ("Gul Mohammad", "ګل محمد"),
    ("Ahmad Khan", "احمد خان"),
    ("Din Mohammad", "دین محمد"),
    ("Ghulam Hazrat", "غلام حضرت"),
    ("Rahimullah", "رحیم الله"),
    ("Imdadullah", "امداد الله"),
    ("Hayatullah", "حیات الله"),
    ("Noor Ahmad", "نور احمد"),
    ("Abdul Samad", "عبدالصمد"),
    ("Shafiqullah", "شفیق الله"),
    ("Zabihullah", "ذبیح الله"),
    ("Mirwais", "میرویس"),
    ("Habibullah", "حبیب الله"),
    ("Abdul Ghani", "عبدالغنی"),
    ("Abdul Wali", "عبدالولی"),
    ("Sher Khan", "شېر خان"),
    ("Juma Gul", "جمعه ګل"),
    ("Faizullah", "فیض الله"),
    ("Naqibullah", "نقیب الله"),
    ("Samiullah", "سمیع الله"),
    ("Asadullah", "اسدالله"),
    ("Khan Mohammad", "خان محمد"),
    ("Wali Jan", "ولی جان"),
    ("Lal Mohammad", "لعل محمد"),
    ("Abdul Hadi", "عبدالهادی"),
    ("Niamatullah", "نعمت الله"),
    ("Dawood", "داوود"),
    ("Ismail", "اسماعیل"),
    ("Bismillah", "بسم الله"),
    ("Abdullah", "عبدالله"),
    ("Sayed Jan", "سید جان"),
]
PASHTUN_FEMALE: list[Name] = [
    ("Gul Bibi", "ګل بی بی"),
    ("Zarghuna", "زرغونه"),
    ("Malalai", "ملالۍ"),
    ("Palwasha", "پلوشه"),
    ("Nazo", "نازو"),
    ("Spogmai", "سپوږمۍ"),
    ("Gulalai", "ګلالۍ"),
    ("Sharifa", "شریفه"),
    ("Bibi Aisha", "بی بی عایشه"),
    ("Mah Gul", "ماه ګل"),
    ("Shabana", "شبانه"),
    ("Nasreen", "نسرین"),
    ("Mariam", "مریم"),
    ("Fatima", "فاطمه"),
]
# Tribal names used as surnames (-zai "descendants of", -khel "clan"); empty: none given.
PASHTUN_FAMILY: list[Name] = [
    ("Achakzai", "اڅکزی"),
    ("Kakar", "کاکړ"),
    ("Noorzai", "نورزی"),
    ("Barakzai", "بارکزی"),
    ("Popalzai", "پوپلزی"),
    ("Alizai", "علیزی"),
    ("Ishaqzai", "اسحاقزی"),
    ("Alikozai", "الکوزی"),
    ("Tarin", "ترین"),
    ("Mandokhel", "مندوخېل"),
    ("Ahmadzai", "احمدزی"),
    ("Kharoti", "خروټی"),
    ("Shinwari", "شینواری"),
    ("Mohmand", "مومند"),
    ("", ""),
    ("", ""),
]
PASHTUN_FATHER: list[Name] = [
    ("Haji Abdul Samad", "حاجی عبدالصمد"),
    ("Gul Khan", "ګل خان"),
    ("Mohammad Nabi", "محمد نبی"),
    ("Sher Ali", "شېر علی"),
    ("Abdul Qadir", "عبدالقادر"),
    ("Juma Khan", "جمعه خان"),
    ("Wali Mohammad", "ولی محمد"),
    ("Mullah Dost Mohammad", "ملا دوست محمد"),
    ("Haji Nazar Mohammad", "حاجی نظر محمد"),
    ("Abdul Karim", "عبدالکریم"),
    ("Taj Mohammad", "تاج محمد"),
    ("Sardar Khan", "سردار خان"),
    ("Haji Khudaidad", "حاجی خدایداد"),
    ("Malik Amir Jan", "ملک امیر جان"),
    ("Abdul Ahad", "عبدالاحد"),
    ("Payenda Mohammad", "پاینده محمد"),
]

HAZARA_MALE: list[Name] = [
    ("Ali Reza", "علی‌رضا"),
    ("Hussain Ali", "حسین علی"),
    ("Mohammad Hussain", "محمد حسین"),
    ("Ghulam Abbas", "غلام عباس"),
    ("Qurban Ali", "قربان علی"),
    ("Mohammad Ali", "محمد علی"),
    ("Sakhi Dad", "سخی داد"),
    ("Abdul Ali", "عبدالعلی"),
    ("Hassan Ali", "حسن علی"),
    ("Murtaza", "مرتضی"),
    ("Mohammad Jawad", "محمد جواد"),
    ("Ghulam Sakhi", "غلام سخی"),
]
HAZARA_FEMALE: list[Name] = [
    ("Zahra", "زهرا"),
    ("Sakina", "سکینه"),
    ("Masooma", "معصومه"),
    ("Fatima", "فاطمه"),
    ("Khadija", "خدیجه"),
    ("Zainab", "زینب"),
    ("Marzia", "مرضیه"),
    ("Nargis", "نرگس"),
    ("Laila", "لیلا"),
    ("Shakila", "شکیلا"),
]
HAZARA_FAMILY: list[Name] = [
    ("Hazara", "هزاره"),
    ("Jaghori", "جاغوری"),
    ("Behsudi", "بهسودی"),
    ("Changezi", "چنگیزی"),
    ("Sultani", "سلطانی"),
    ("Sadat", "سادات"),
    ("", ""),
    ("", ""),
    ("", ""),
]
HAZARA_FATHER: list[Name] = [
    ("Ghulam Rasul", "غلام رسول"),
    ("Mohammad Ishaq", "محمد اسحاق"),
    ("Haji Hussain", "حاجی حسین"),
    ("Sarwar Ali", "سرور علی"),
    ("Karbalai Nabi", "کربلایی نبی"),
    ("Haji Rajab Ali", "حاجی رجب علی"),
    ("Mohammad Ibrahim", "محمد ابراهیم"),
    ("Qurban Ali", "قربان علی"),
]

# Kept for callers that want one flat list of each.
MALE_GIVEN = PASHTUN_MALE + HAZARA_MALE
FEMALE_GIVEN = PASHTUN_FEMALE + HAZARA_FEMALE
FAMILY = PASHTUN_FAMILY + HAZARA_FAMILY
FATHER = PASHTUN_FATHER + HAZARA_FATHER
