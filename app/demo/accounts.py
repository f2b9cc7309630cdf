"""The demo's organisations and accounts, which every case uses."""

from app.models import OrganisationKind

DEMO_PASSWORD = "agora-demo-2026"

OK = OrganisationKind

ORGANISATIONS = (
    # name, kind, country, city
    ("Association Bizerte Smart City", OK.ASSOCIATION, "TN", "Bizerte"),
    ("Commune de Bizerte", OK.CITY, "TN", "Bizerte"),
    ("Gouvernorat de Bizerte", OK.PUBLIC_INSTITUTION, "TN", "Bizerte"),
    ("STEG — District de Bizerte", OK.PUBLIC_INSTITUTION, "TN", "Bizerte"),
    ("Medinfra Ingénierie", OK.COMPANY, "TN", "Tunis"),
    ("Nordelec Systèmes", OK.COMPANY, "TN", "Bizerte"),
    ("ParkiBiz", OK.STARTUP, "TN", "Bizerte"),
    ("GreenWave Tunisia", OK.STARTUP, "TN", "Tunis"),
    ("Centre de Recherche en Numérique de Sfax", OK.RESEARCH_LAB, "TN", "Sfax"),
    ("École nationale d'ingénieurs de Bizerte (ENIB)", OK.UNIVERSITY, "TN", "Bizerte"),
    ("Université de Carthage", OK.UNIVERSITY, "TN", "Tunis"),
    ("Grenoble INP", OK.UNIVERSITY, "FR", "Grenoble"),
    ("Association Tunisian Smart Cities", OK.ASSOCIATION, "TN", "Tunis"),
    ("Ministère des Affaires locales et de l'Environnement", OK.MINISTRY, "TN", "Tunis"),
    (
        "Ministère du Développement, de l'Investissement et de la Coopération internationale",
        OK.MINISTRY,
        "TN",
        "Tunis",
    ),
    (
        "Ministère des Technologies de la communication et de la Transformation digitale",
        OK.MINISTRY,
        "TN",
        "Tunis",
    ),
    (
        "Ministère de l'Équipement, de l'Habitat et de l'Aménagement du territoire",
        OK.MINISTRY,
        "TN",
        "Tunis",
    ),
    ("Ministère de l'Industrie et des PME", OK.MINISTRY, "TN", "Tunis"),
    ("Ministère du Tourisme", OK.MINISTRY, "TN", "Tunis"),
    ("Ministère du Transport", OK.MINISTRY, "TN", "Tunis"),
    ("Cluster e-Madina", OK.CLUSTER, "MA", "Casablanca"),
    ("Université Hassan II de Casablanca", OK.UNIVERSITY, "MA", "Casablanca"),
    ("Dar Mobility", OK.STARTUP, "MA", "Casablanca"),
    ("Qanat Water Tech", OK.STARTUP, "MA", "Rabat"),
    ("Atlas Smart Grid SA", OK.COMPANY, "MA", "Casablanca"),
    ("Maghreb Urban Data", OK.COMPANY, "MA", "Casablanca"),
    ("Fab Lab Derb Sultan", OK.INNOVATOR, "MA", "Casablanca"),
    ("Collectif Casa Civic Tech", OK.INNOVATOR, "MA", "Casablanca"),
    ("Commune de Casablanca", OK.CITY, "MA", "Casablanca"),
    ("Région Casablanca-Settat", OK.PUBLIC_INSTITUTION, "MA", "Casablanca"),
    ("Commune de Benslimane", OK.CITY, "MA", "Benslimane"),
    ("Commune de Chefchaouen", OK.CITY, "MA", "Chefchaouen"),
    (
        "Ministère de l'Industrie, du Commerce, de l'Investissement et de l'Économie numérique",
        OK.MINISTRY,
        "MA",
        "Rabat",
    ),
    ("Ville d'Issy-les-Moulineaux", OK.CITY, "FR", "Issy-les-Moulineaux"),
    ("Municipalité de Leshan", OK.CITY, "CN", "Leshan"),
)

ACCOUNTS = (
    # email, display name, locale, organisation, admin, organiser
    ("admin@demo.agora", "Agora Admin", "en", None, True, False),
    ("organiser@demo.agora", "Nadia El Idrissi", "fr", "Cluster e-Madina", False, True),
    (
        "reviewer@demo.agora",
        "Leïla Amrani",
        "en",
        "Université Hassan II de Casablanca",
        False,
        False,
    ),
    ("startup@demo.agora", "Salma Berrada", "fr", "Dar Mobility", False, False),
    ("attendee@demo.agora", "Thomas Girard", "en", None, False, False),
)
DEMO_EMAILS = tuple(account[0] for account in ACCOUNTS)
