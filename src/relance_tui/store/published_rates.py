"""Published rates the migrations seed, as basis points (hundredths of a percent): data, not code.

``store/schema.py``'s migrations 0002 and 0009 insert them; once released they are never edited (a
correction is a new migration or ``relance rates set``).
"""

# Published rates, as basis points (hundredths of a percent). Editable with
# ``relance rates set``; the law takes the ECB rate in force on 1 January or
# 1 July, so only the changes matter here.
SEED_RATES: tuple[tuple[str, str, int], ...] = (
    # ECB main refinancing operations rate
    ("ecb", "2016-03-16", 0),
    ("ecb", "2022-07-27", 50),
    ("ecb", "2022-09-14", 125),
    ("ecb", "2022-11-02", 200),
    ("ecb", "2022-12-21", 250),
    ("ecb", "2023-02-08", 300),
    ("ecb", "2023-03-22", 350),
    ("ecb", "2023-05-10", 375),
    ("ecb", "2023-06-21", 400),
    ("ecb", "2023-08-02", 425),
    ("ecb", "2023-09-20", 450),
    ("ecb", "2024-06-12", 425),
    ("ecb", "2024-09-18", 365),
    ("ecb", "2024-10-23", 340),
    ("ecb", "2024-12-18", 315),
    ("ecb", "2025-02-05", 290),
    ("ecb", "2025-03-12", 265),
    ("ecb", "2025-04-23", 240),
    ("ecb", "2025-06-11", 215),
    # French legal interest rate, "all other cases" (the creditor is a business)
    ("legal_pro", "2022-01-01", 76),
    ("legal_pro", "2022-07-01", 77),
    ("legal_pro", "2023-01-01", 206),
    ("legal_pro", "2023-07-01", 422),
    ("legal_pro", "2024-01-01", 507),
    ("legal_pro", "2024-07-01", 492),
    ("legal_pro", "2025-01-01", 371),
    ("legal_pro", "2025-07-01", 276),
    ("legal_pro", "2026-01-01", 262),
    # French legal interest rate, creditor is a private person
    ("legal_private", "2022-01-01", 313),
    ("legal_private", "2022-07-01", 315),
    ("legal_private", "2023-01-01", 447),
    ("legal_private", "2023-07-01", 682),
    ("legal_private", "2024-01-01", 801),
    ("legal_private", "2024-07-01", 816),
    ("legal_private", "2025-01-01", 721),
    ("legal_private", "2025-07-01", 665),
    ("legal_private", "2026-01-01", 667),
)


# Values published since migration 0002, as basis points.
SEED_RATES_0009: tuple[tuple[str, str, int], ...] = (
    # ECB main refinancing rate: 0.05 % from 10 September 2014 (in force on 1 January 2016), and the
    # rate in force on the first day of each half-year since the last change (2.15 % since 11 June
    # 2025), which tells relance those half-years are known.
    ("ecb", "2014-09-10", 5),
    ("ecb", "2025-07-01", 215),
    ("ecb", "2026-01-01", 215),
    # French legal interest rate, "autres cas" (arrêtés of the Ministry of the Economy, each half-year)
    ("legal_pro", "2019-01-01", 86),
    ("legal_pro", "2019-07-01", 87),
    ("legal_pro", "2020-01-01", 87),
    ("legal_pro", "2020-07-01", 84),
    ("legal_pro", "2021-01-01", 79),
    ("legal_pro", "2021-07-01", 76),
    # French legal interest rate, creditor is a private person
    ("legal_private", "2019-01-01", 340),
    ("legal_private", "2019-07-01", 326),
    ("legal_private", "2020-01-01", 315),
    ("legal_private", "2020-07-01", 311),
    ("legal_private", "2021-01-01", 314),
    ("legal_private", "2021-07-01", 312),
    # Belgian legal interest rate (law of 5 May 1865, published each January in the Moniteur belge)
    ("legal_be", "2019-01-01", 200),
    ("legal_be", "2020-01-01", 175),
    ("legal_be", "2021-01-01", 150),
    ("legal_be", "2022-01-01", 150),
    ("legal_be", "2023-01-01", 225),
    ("legal_be", "2024-01-01", 575),
    ("legal_be", "2025-01-01", 450),
    ("legal_be", "2026-01-01", 450),
)
