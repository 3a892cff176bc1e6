"""The demo: three national funds, each with a person for every role."""
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from fundapp.applications import services as portal
from fundapp.auth import services as accounts
from fundapp.auth.models import User
from fundapp.extensions import db
from fundapp.funds import services as funds
from fundapp.funds.models import Fund
from fundapp.portfolio.services import register_company
from fundapp.quarters import last_ended, quarter_of
from fundapp.reporting import services as reports
from fundapp.seed import history
from fundapp.seed.jobs import headcount_history
from fundapp.seed.pipeline import pipeline

DEMO_PASSWORD = "fundapp-demo-2026"  # noqa: S105  (the demo's published password)

DEMO_FUNDS = [
    {
        "country": "KE", "slug": "kenya", "name": "Kenya National Start-up Fund",
        "currency": "KES", "language": "en", "vintage_year": 2024,
        "target_size": "6500000000.00", "min_ticket": "5000000.00", "max_ticket": "130000000.00",
        "sectors": ["agriculture", "ai", "climate", "fintech", "health", "logistics"],
        "employee_cap": 250, "match_target": Decimal("1.0"), "open_for_applications": True,
        "approval_message": "Congratulations: the fund approves your application. The investment team will "
                            "contact you within two weeks about the terms and the next steps.",
        "decline_message": "Thank you for applying. The fund will not invest in your company this time. You "
                           "are welcome to apply again when your company has grown.",
        "partners": [("Ministry of Investments, Trade and Industry", "government", "3250000000.00"),
                     ("OpenAI", "co_investor", "3250000000.00")],
        "companies": [("Shamba Analytics", "agriculture", "Nakuru"),
                      ("Kazi Logistics", "logistics", "Mombasa"), ("Savanna Solar", "climate", "Kisumu"),
                      ("Afya Connect", "health", "Nairobi"), ("Lugha AI", "ai", "Nairobi")],
        "founder_owns": "Afya Connect",
        "payment_instructions": "Bank: Central Bank of Kenya, Nairobi\nAccount name: Kenya National Start-up "
                                "Fund\nAccount number: 1000234567\nSWIFT: CBKEKENX",
        "contact_email": "treasury@kenya-fund.example",
        "people": ["Wanjiru Kamau", "Otieno Ochieng", "Amina Abdalla", "Dr. Kariuki Njoroge", "Sarah Lin"],
    },
    {
        "country": "SN", "slug": "senegal", "name": "Fonds national d'amorçage du Sénégal",
        "payment_instructions": "Banque : BCEAO, Dakar\nTitulaire : Fonds national d'amorçage du Sénégal\n"
                                "IBAN : SN08 SN01 0015 2000 0123 4567 8901",
        "contact_email": "tresorerie@fonds-senegal.example",
        "currency": "XOF", "language": "fr", "vintage_year": 2024,
        "target_size": "30000000000", "min_ticket": "15000000", "max_ticket": "600000000",
        "sectors": ["agriculture", "ai", "education", "fintech", "tourism"],
        "employee_cap": 200, "match_target": Decimal("1.0"), "open_for_applications": True,
        "approval_message": "Félicitations : le fonds approuve votre candidature. L'équipe "
                            "d'investissement vous contactera d'ici deux semaines pour les conditions et les "
                            "prochaines étapes.",
        "decline_message": "Merci de votre candidature. Le fonds n'investira pas dans votre entreprise cette "
                           "fois-ci. Vous pourrez candidater de nouveau quand votre entreprise aura grandi.",
        "partners": [("Ministère des Finances et du Budget", "government", "18000000000"),
                     ("OpenAI", "co_investor", "12000000000")],
        "companies": [("Teranga Pay", "fintech", "Dakar"), ("Baobab Agritech", "agriculture", "Thiès"),
                      ("Sahel Éducation", "education", "Saint-Louis"),
                      ("Casamance Tours", "tourism", "Ziguinchor"),
                      ("Wolof NLP", "ai", "Dakar")],
        "people": ["Aminata Diop", "Moussa Ndiaye", "Fatou Sarr", "Ousmane Fall", "Claire Martin"],
    },
    {
        "country": "JO", "slug": "jordan", "name": "Jordan Innovation Fund",
        "currency": "JOD", "language": "en", "vintage_year": 2024,
        "target_size": "35000000.000", "min_ticket": "50000.000", "max_ticket": "700000.000",
        "sectors": ["ai", "creative", "education", "health", "software"],
        "employee_cap": 150, "match_target": Decimal("0.75"), "open_for_applications": False,
        "partners": [("Ministry of Digital Economy and Entrepreneurship", "government", "20000000.000"),
                     ("OpenAI", "co_investor", "15000000.000")],
        "companies": [("Petra Health", "health", "Amman"), ("Aqaba Code Academy", "education", "Aqaba"),
                      ("Wadi Studios", "creative", "Irbid"), ("Zarqa Cloud", "software", "Zarqa"),
                      ("Nabataean AI", "ai", "Amman")],
        "people": ["Lina Haddad", "Omar Khalil", "Rania Nasser", "Zaid Al-Masri", "David Park"],
    },
]


def _publish_last_quarter(manager, fund) -> None:
    """The report of the latest quarter ended, published, for the partners to download."""
    end = last_ended(date.today())
    db.session.flush()
    reports.publish(manager, fund, reports.generate(manager, fund, end.year, quarter_of(end)))


def is_empty() -> bool:
    return not db.session.scalar(select(func.count(User.id)))


def seed(publish: bool = True) -> list[tuple[str, str, str]]:
    """Create the demo data in an empty database; returns (who, email, password) per login. Each fund's
    latest quarter is published (closing it), unless publish is False: synthetic data is then added in the
    past quarters."""
    admin, _link = accounts.create_staff(None, "admin@fundapp.example", "Amina Admin", "en",
                                         is_admin=True, password=DEMO_PASSWORD)
    logins = [("admin", admin.email, DEMO_PASSWORD)]
    founder = accounts.register_founder("founder@fundapp.example", "Zoë Founder", DEMO_PASSWORD, "en",
                                        confirmed=True)
    for spec in DEMO_FUNDS:
        country = funds.country_for_code(admin, spec["country"])
        values = {key: spec.get(key) for key in funds.FUND_FIELDS}
        fund = funds.create_fund(admin, country, values)
        partners = [funds.create_partner(admin, fund, name, kind, commitment)
                    for name, kind, commitment in spec["partners"]]
        language, slug = spec["language"], spec["slug"]
        names = spec["people"]
        people = [
            ("manager", f"manager.{slug}@fundapp.example", "Fund manager", None),
            ("reviewer", f"reviewer.{slug}@fundapp.example", "Reviewer", None),
            ("committee", f"committee.{slug}@fundapp.example", "Committee member", None),
            ("partner", f"government.{slug}@fundapp.example", "Government partner", partners[0].id),
            ("partner", f"openai.{slug}@fundapp.example", "OpenAI partner", partners[1].id),
        ]
        manager = reviewer = None
        for (role, email, title, partner_id), name in zip(people, names, strict=True):
            user, _link = accounts.create_staff(admin, email, name, language, password=DEMO_PASSWORD)
            accounts.grant_role(admin, user, fund, role, partner_id)
            manager = manager or user
            reviewer = user if role == "reviewer" else reviewer
            logins.append((f"{role} — {fund.name}" + (f" ({title})" if partner_id else ""), email,
                           DEMO_PASSWORD))
        owners = {spec["founder_owns"]: founder} if "founder_owns" in spec else {}
        history.three_years(manager, fund, partners, spec["companies"], owners)
        pipeline(manager, reviewer, fund, DEMO_PASSWORD)
        headcount_history(manager, fund, founder)
        if publish:
            _publish_last_quarter(manager, fund)
    logins.append(("founder", founder.email, DEMO_PASSWORD))
    kenya = db.session.scalar(select(Fund).where(Fund.currency == "KES"))
    company = register_company(founder, None, {"name": "Mazao Data", "country": "KE", "sector": "agriculture",
                                               "region": "Eldoret"}, owner_id=founder.id)
    db.session.flush()
    draft = portal.start_application(founder, kenya, company)
    db.session.flush()
    portal.save_draft(founder, draft, kenya, {
        "requested_amount": "25000000", "stage": "seed", "full_time": 9, "part_time": 3, "jobs_expected": 40,
        "pitch": "Crop-price forecasts by SMS for smallholder farmers",
        "problem": "Farmers sell at harvest, when prices are lowest."})
    db.session.commit()
    return logins
