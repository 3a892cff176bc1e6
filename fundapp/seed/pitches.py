"""Synthetic pitches in English and French for generate-data: varied, searchable text built from a
founder's trade, the people it serves, a problem, a product and a team, so that search, stemming and
possible duplicates can be tried and measured on data that reads like a national pipeline."""
import random

PEOPLE = {
    "en": ("farmers", "fishers", "nurses", "shopkeepers", "students", "drivers", "teachers", "tailors",
           "pharmacists", "midwives", "herders", "mechanics", "bakers", "weavers", "beekeepers", "miners",
           "traders", "carpenters", "potters", "porters"),
    "fr": ("agriculteurs", "pêcheurs", "infirmières", "commerçants", "étudiants", "chauffeurs", "enseignants",
           "tailleurs", "pharmaciens", "sages-femmes", "éleveurs", "mécaniciens", "boulangers", "tisserands",
           "apiculteurs", "mineurs", "marchands", "menuisiers", "potiers", "porteurs"),
}
LOSSES = {
    "en": ("lose a third of their harvest before it reaches a buyer", "wait weeks to be paid",
           "cannot borrow without a land title", "throw away stock that spoils in the heat",
           "pay twice the city price for spare parts", "travel a day to reach a clinic",
           "keep their accounts in notebooks that get lost", "lose customers when the power fails",
           "cannot prove their income to a bank", "buy water by the jerrycan at ten times the tariff",
           "miss school when the rains cut the roads", "sell at whatever price the middleman offers"),
    "fr": ("perdent un tiers de leur récolte avant de la vendre", "attendent des semaines pour être payés",
           "ne peuvent pas emprunter sans titre foncier", "jettent un stock qui s'abîme à la chaleur",
           "paient les pièces détachées deux fois le prix de la ville",
           "voyagent une journée pour voir un médecin",
           "tiennent leurs comptes dans des cahiers qui se perdent", "perdent des clients à chaque coupure",
           "ne peuvent pas prouver leurs revenus à une banque", "achètent l'eau au bidon dix fois plus cher",
           "manquent l'école quand la pluie coupe les routes", "vendent au prix que fixe l'intermédiaire"),
}
PRODUCTS = {
    "en": ("a solar cold room rented by the crate", "a mobile wallet with credit scored on sales",
           "a marketplace that matches harvests with buyers", "a ledger app that works offline by SMS",
           "an irrigation kit paid for by the season", "a telemedicine kiosk staffed by nurses",
           "a battery swap network for motorbike taxis", "a drone survey of plots for land titles",
           "a water meter that sells credit in small amounts", "a school bus booking service",
           "a warehouse receipt system for grain", "a voice assistant in the local language"),
    "fr": ("une chambre froide solaire louée à la caisse",
           "un portefeuille mobile avec un crédit noté sur les ventes",
           "une place de marché qui relie les récoltes aux acheteurs",
           "une application de comptabilité hors ligne par SMS",
           "un kit d'irrigation payé à la saison", "une borne de télémédecine tenue par des infirmières",
           "un réseau d'échange de batteries pour les motos-taxis",
           "un relevé des parcelles par drone pour les titres",
           "un compteur d'eau qui vend du crédit par petites sommes",
           "un service de réservation de bus scolaires",
           "un système de récépissés d'entrepôt pour les céréales", "un assistant vocal en langue locale"),
}
MARKETS = {
    "en": ("{n} thousand {people} in {region}, then the neighbouring regions",
           "every market town of {region} within two years", "cooperatives of {people} across the country"),
    "fr": ("{n} mille {people} à {region}, puis les régions voisines",
           "chaque ville de marché de {region} d'ici deux ans",
           "les coopératives de {people} de tout le pays"),
}
TEAMS = {
    "en": ("{first} {last}, an engineer, and {first2} {last2}, who ran sales at a bank",
           "{first} {last} and {first2} {last2}, both former {people}",
           "{first} {last}, a doctor, with four developers"),
    "fr": ("{first} {last}, ingénieur, et {first2} {last2}, ancienne commerciale d'une banque",
           "{first} {last} et {first2} {last2}, tous deux anciens {people}",
           "{first} {last}, médecin, avec quatre développeurs"),
}
DETAILS = {
    "en": ("Most of them are women under thirty-five.", "The rainy season makes it worse every year.",
           "Banks see them as too small to serve.", "Nobody sells them insurance.",
           "Prices double between the farm gate and the capital.", "Half of them have a smartphone.",
           "Their children help after school.", "The nearest town is forty kilometres away.",
           "They already pay for a worse service.", "Mobile money is used by nine in ten of them.",
           "Diesel generators cost them a fifth of their income.", "Fraud by agents is common.",
           "Few of them have ever met a loan officer.", "Theft at night forces them to sell early.",
           "Their customers pay late or not at all.", "The cooperative has no working capital.",
           "A middleman takes a third of the price.", "Each trip to the city costs them a week's income."),
    "fr": ("La plupart sont des femmes de moins de trente-cinq ans.", "La saison des pluies aggrave tout.",
           "Les banques les trouvent trop petits.", "Personne ne leur vend d'assurance.",
           "Les prix doublent entre le champ et la capitale.", "La moitié a un smartphone.",
           "Leurs enfants aident après l'école.", "La ville la plus proche est à quarante kilomètres.",
           "Ils paient déjà pour un service moins bon.", "Neuf sur dix utilisent l'argent mobile.",
           "Les groupes électrogènes leur coûtent un cinquième du revenu.",
           "La fraude des agents est courante.", "Peu d'entre eux ont déjà vu un agent de crédit.",
           "Les vols de nuit les forcent à vendre tôt.", "Leurs clients paient en retard ou jamais.",
           "La coopérative n'a aucun fonds de roulement.", "Un intermédiaire prend un tiers du prix.",
           "Chaque voyage en ville leur coûte une semaine de revenu."),
}
FIRST = ("Amina", "Kofi", "Aïcha", "Moussa", "Wanjiru", "Omar", "Fatou", "Yusuf", "Grace", "Ibrahim", "Léa",
         "Samir", "Nadia", "Jomo", "Mariam", "Cheikh", "Zainab", "Tariq", "Esther", "Abdou")
LAST = ("Kamau", "Diop", "Haddad", "Otieno", "Ndiaye", "Nasser", "Mwangi", "Sow", "Khalil", "Wekesa", "Fall",
        "Saleh", "Njoroge", "Ba", "Odhiambo", "Faye", "Mansour", "Achieng", "Gueye", "Qasem")


def pitch(language: str, name: str, region: str, rng: random.Random) -> dict[str, str]:
    """A pitch, problem, solution, market and team in the language ("en" or "fr")."""
    language = "fr" if language.startswith("fr") else "en"
    people, loss = rng.choice(PEOPLE[language]), rng.choice(LOSSES[language])
    product = rng.choice(PRODUCTS[language])
    first, first2 = rng.sample(FIRST, 2)
    last, last2 = rng.sample(LAST, 2)
    families, tried, year = rng.randint(2, 9) * 10, rng.randint(10, 400), rng.randint(2012, 2025)
    details = " ".join(rng.sample(DETAILS[language], 3))
    product_ = product[0].upper() + product[1:]
    if language == "fr":
        texts = {"pitch": f"{name} : {product} pour les {people}",
                 "problem": f"{first} {last} l'a vu en {year} : à {region}, les {people} {loss}. {details} "
                            f"Une étude de {families} familles le montre.",
                 "solution": f"{product_}, essayé avec {tried} {people}."}
    else:
        texts = {"pitch": f"{name}: {product} for {people}",
                 "problem": f"{first} {last} saw it in {year}: in {region}, {people} {loss}. {details} "
                            f"A survey of {families} families shows it.",
                 "solution": f"{product_}, tried with {tried} {people}."}
    texts["market"] = rng.choice(MARKETS[language]).format(n=rng.randint(5, 90), people=people, region=region)
    texts["team"] = rng.choice(TEAMS[language]).format(first=first, last=last, first2=first2, last2=last2,
                                                       people=people)
    return texts
