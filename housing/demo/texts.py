"""Words of the demo: fictional names and short Finnish and Swedish texts.

Every name is drawn at random from common first and last names, so no row describes a
real person. Texts are short on purpose: they show what a field is for, not a case history.
"""

from __future__ import annotations

FINNISH_FIRST_NAMES = {
    "f": (
        "Aino", "Emma", "Venla", "Ella", "Sofia", "Aada", "Helmi", "Iida", "Lotta", "Emilia", "Pihla", "Siiri",
        "Veera", "Julia", "Ronja", "Oona", "Nea", "Jenna", "Sara", "Milla", "Anni", "Elli", "Eveliina", "Alisa",
        "Vilma", "Kerttu", "Inka", "Nelli", "Netta", "Peppi", "Enni", "Lumi", "Amanda", "Salla", "Noora", "Jasmin",
    ),
    "m": (
        "Eetu", "Leo", "Onni", "Elias", "Oliver", "Eino", "Väinö", "Joona", "Niilo", "Aleksi", "Juho", "Veeti",
        "Aapo", "Miro", "Lauri", "Niko", "Roope", "Santeri", "Topias", "Valtteri", "Arttu", "Eemeli", "Jesse",
        "Joel", "Kasper", "Konsta", "Lenni", "Otto", "Rasmus", "Teemu", "Tuomas", "Oskari", "Jere", "Samuel",
        "Matias", "Ville",
    ),
}
SWEDISH_FIRST_NAMES = {
    "f": ("Ebba", "Ellen", "Ida", "Linnéa", "Alva", "Wilma", "Saga", "Stella", "Olivia", "Alice", "Elsa", "Matilda",
          "Klara", "Nora"),
    "m": ("Axel", "Anton", "Emil", "Hugo", "Isak", "Jonatan", "Lucas", "Melvin", "Oscar", "Theo", "Viktor",
          "William", "Max", "Edvin"),
}
FINNISH_LAST_NAMES = (
    "Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine", "Heikkinen", "Koskinen",
    "Järvinen", "Lehtonen", "Lehtinen", "Saarinen", "Salminen", "Heinonen", "Niemi", "Heikkilä", "Kinnunen",
    "Salonen", "Turunen", "Salo", "Laitinen", "Tuominen", "Rantanen", "Karjalainen", "Jokinen", "Mattila",
    "Savolainen", "Lahtinen", "Ahonen", "Leinonen", "Hiltunen", "Kallio", "Hakala", "Laaksonen", "Mustonen",
    "Aaltonen", "Koivisto", "Peltonen", "Lehto", "Rintala", "Kettunen", "Hirvonen", "Manninen", "Toivonen",
    "Vainio", "Seppälä", "Anttila", "Väisänen", "Pitkänen", "Honkanen", "Suominen", "Partanen", "Tiainen",
    "Ojala", "Nurmi", "Heino", "Ketola", "Rautio", "Kivelä",
)
SWEDISH_LAST_NAMES = (
    "Lindholm", "Andersson", "Johansson", "Karlsson", "Nyström", "Lindqvist", "Holmström", "Sjöberg", "Lindberg",
    "Eriksson", "Grönroos", "Backman", "Forsman", "Sundström", "Ekholm", "Granström", "Wikström", "Blomqvist",
    "Strömberg", "Åkerman",
)

STREETS = {
    "837": ("Insinöörinkatu", "Sammonkatu", "Teiskontie", "Lielahdenkatu", "Pyynikintie", "Tesomankatu"),
    "536": ("Välikatu", "Pirkkalaistenkatu", "Kerhonkatu"),
    "980": ("Kuruntie", "Mikkolantie", "Soppeenharjuntie"),
    "211": ("Pikkolantie", "Kuohunharjuntie", "Ruutanantie"),
    "418": ("Hakamäenkatu", "Kuokkalantie", "Ideaparkinkatu"),
    "604": ("Naistenmatkantie", "Suupantie", "Loukonlahdentie"),
    "908": ("Valtakatu", "Apiankatu", "Kauppilankatu"),
    "790": ("Puistokatu", "Asemakatu", "Tyrväänkatu"),
    "020": ("Sontulantie", "Viialantie"),
    "562": ("Keskustie", "Sorilantie"),
    "108": ("Kyröskoskentie", "Hämeenkyröntie"),
    "091": ("Mannerheimintie", "Sturenkatu", "Itäväylä", "Malminkaari", "Kallvikintie", "Kannelmäentie",
            "Hämeentie", "Siilitie"),
}

OWN_WORDS = {
    "fi": (
        "Haluaisin asua lähellä siskoani Hervannassa.",
        "Toivon omaa asuntoa läheltä koulua.",
        "En halua takaisin vanhalle asuinalueelle, siellä on vanhat kaverit.",
        "Haluaisin asua rauhallisessa paikassa, jossa on luontoa lähellä.",
        "Tarvitsen apua raha-asioissa, mutta haluan asua itsenäisesti.",
        "Toivon, että omaohjaaja pysyy samana.",
        "Opiskelen keskustassa, joten toivon asuntoa bussireitin varrelta.",
        "Minulla on kissa, toivon että se voi muuttaa kanssani.",
        "Haluaisin asua lähellä äitiäni, mutta en samassa talossa.",
        "Pärjään jo aika hyvin, mutta illat yksin jännittävät.",
        "Toivon asuntoa, jossa ei ole paljon melua.",
        "Käyn töissä keskustassa, joten sinne olisi hyvä päästä pyörällä.",
        "Haluan aloittaa alusta uudessa paikassa.",
        "Olisi tärkeää, että voin jatkaa jalkapalloa samassa seurassa.",
        "En halua asua paikassa, jossa on paljon ihmisiä.",
        "Haluan oppia laittamaan ruokaa ja hoitamaan laskut itse.",
    ),
    "sv": (
        "Jag vill gärna bo nära min syster.",
        "Jag önskar en egen lägenhet nära skolan.",
        "Det är viktigt för mig att få service på svenska.",
        "Jag vill bo i ett lugnt område nära havet.",
        "Jag behöver hjälp med ekonomin men vill bo självständigt.",
        "Jag hoppas att min kontaktperson får vara densamma.",
    ),
}
FAMILY_OWN_WORDS = {
    "fi": ("Haluan asua lapseni kanssa lähellä neuvolaa ja päiväkotia.",
           "Toivon perheasuntoa, jossa lapsella on oma huone."),
    "sv": ("Jag vill bo med mitt barn nära rådgivningen och daghemmet.",),
}

# Why an acute (band 1) or high (band 2) application is urgent, by its ground.
URGENCY_REASONS = {
    "no_home": (
        "Nuorella ei ole asuntoa: asuu tilapäisesti kaverin sohvalla.",
        "Sijoitus päättynyt ja asunto puuttuu; asunnon puute kirjattu (LsL 35 §).",
        "Häädetty vuokra-asunnosta, yöpyy hätämajoituksessa.",
    ),
    "unsafe_home": (
        "Väkivallan uhka nykyisessä asumisessa, tarvitsee turvallisen asunnon heti.",
        "Asuu vanhempansa luona; tilanne on muuttunut turvattomaksi.",
    ),
    "housing_ends_soon": (
        "Nykyinen vuokrasopimus päättyy kuun lopussa.",
        "Tukiasunnon vuokrasopimus päättyy kahden kuukauden kuluttua, uutta asuntoa ei ole.",
        "Asuu opiskelija-asuntolassa, jonka asumisoikeus päättyy keväällä.",
        "Odottaa lasta, ja nykyinen yksiö on irtisanottu: tarvitsee perheasunnon ennen laskettua aikaa.",
    ),
}
# The coordinator's question, and the social worker's answer when sending the application again.
RETURN_REASONS = (
    "Tuen tarpeen kuvaus puuttuu, tarkenna.",
    "Nuoren suostumus puuttuu.",
    "Asiakassuunnitelma on yli vuoden vanha: päivitä ennen jonoon hyväksymistä.",
    "Sijaintitoiveet ovat epäselvät, tarkenna.",
)
RETURN_ANSWERS = (
    "Tuen tarve tarkennettu: tarvitsee apua raha-asioissa ja arjen rytmissä.",
    "Suostumus pyydetty ja kirjattu tapaamisessa.",
    "Asiakassuunnitelma päivitetty nuoren kanssa.",
    "Toiveet tarkennettu: ensisijaisesti lähellä opiskelupaikkaa.",
)
WITHDRAW_REASONS = (
    "Nuori ei halua enää tuettua asumista.",
    "Nuori muutti takaisin entiseen sijaisperheeseensä.",
    "Nuori sai opiskelija-asunnon.",
)
REPLACED_REASON = "Hakemus korvattu uudella, tarkennetulla hakemuksella."
CLOSE_REASONS = (
    "Nuori muutti toiselle hyvinvointialueelle.",
    "Nuori sai vuokra-asunnon kaupungin vuokrataloyhtiöltä.",
    "Nuoreen ei ole saatu yhteyttä kolmeen kuukauteen.",
)
AGE_LIMIT_CLOSE_REASON = "Jälkihuolto päättyi ikärajaan."
WAITLIST_REASON = "Hakemus on täydellinen; hyväksytty jonoon."
DECLINE_REASONS = (
    "Liian kaukana opiskelupaikasta.",
    "Nuori haluaa asua lähempänä perhettään.",
    "Yhteisöllinen asuminen ei tunnu nuoresta omalta.",
)
EXPIRED_REASON = "Tarjous raukesi: vastausta ei saatu määräaikaan mennessä."
BACK_TO_WAITLIST = "Palautettu jonoon tarjouksesta kieltäytymisen jälkeen."

OUT_OF_USE_REASONS = ("Vesivahinko, korjaus kesken.", "Peruskorjaus, valmistuu kevään aikana.")
ENDED_TENANCY_REASONS = ("Muutti omaan vuokra-asuntoon.", "Jälkihuolto päättyi.", "Muutti opiskelupaikkakunnalle.")
PLANNED_MOVE_OUT_REASONS = ("Muuttaa omaan vuokra-asuntoon.", "Muuttaa opiskelija-asuntoon.")

SUPPORT_GOALS = {
    "daily_living": "Itsenäisen asumisen taidot: ruoanlaitto, siivous ja päivärytmi.",
    "finances": "Raha-asioiden hoito: laskut ajallaan ja Kelan etuudet haettuina.",
    "education": "Opintojen jatkuminen ja poissaolojen vähentäminen.",
    "employment": "Työnhaku ja työllisyyspalveluihin kiinnittyminen.",
    "mental_health": "Mielenterveyspalveluihin kiinnittyminen ja arjen jaksaminen.",
    "substance_use": "Päihteettömyyden tukeminen ja hoitoon kiinnittyminen.",
    "parenting": "Vanhemmuuden tuki ja arjen rutiinit lapsen kanssa.",
    "neuropsychiatric": "Arjen struktuuri ja ennakointi, kalenterin käyttö.",
}

VISIT_NOTES = {
    "done": (
        "Käytiin läpi vuokranmaksu ja Kelan asumistuki.",
        "Siivottiin yhdessä ja tehtiin kauppalista.",
        "Puhuttiin opinnoista, poissaoloja on ollut vähemmän.",
        "Käytiin kaupassa ja harjoiteltiin budjetointia.",
        "Nuori kertoi viikostaan, mieliala parempi kuin viime kerralla.",
        "Varattiin yhdessä aika terveysasemalle.",
        "Ilmoittauduttiin yhdessä työllisyyspalveluihin.",
        "Harjoiteltiin ruoanlaittoa: tehtiin makaronilaatikkoa.",
        "Sovittiin seuraavan viikon tavoitteet.",
    ),
    "missed": ("Nuori ei ollut kotona; soitettu perään ja sovittu uusi aika.",
               "Ei vastannut ovikelloon eikä puhelimeen."),
    "cancelled": ("Nuori perui sairauden vuoksi.", "Peruttu: nuorella koulun koe."),
}

ABSENCE_REASONS = ("annual_leave", "training", "sick_leave")  # codes of housing.vocabulary.ABSENCE_REASONS

REFERRAL_PROVIDERS = {
    "mental_health": {"PI": "Nuorten mielenterveyspalvelut, Pirkanmaan hyvinvointialue",
                      "HKI": "Nuorten mielenterveysasema, Helsingin kaupunki"},
    "substance_use": {"PI": "Nuorten päihdepalvelut, Pirkanmaan hyvinvointialue", "HKI": "Nuorisoasema, Helsinki"},
    "health": {"PI": "Terveysasema, Pirkanmaan hyvinvointialue", "HKI": "Terveysasema, Helsingin kaupunki"},
    "education": {"PI": "Ohjaamo Tampere", "HKI": "Ohjaamo Helsinki"},
    "employment": {"PI": "Tampereen seudun työllisyyspalvelut", "HKI": "Helsingin työllisyyspalvelut"},
    "income": {"PI": "Kela", "HKI": "Kela"},
    "housing_advice": {"PI": "Asumisneuvonta, Tampereen kaupunki", "HKI": "Asumisneuvonta, Helsingin kaupunki"},
    "debt_advice": {"PI": "Talous- ja velkaneuvonta, Pirkanmaa", "HKI": "Talous- ja velkaneuvonta, Helsinki"},
    "youth_work": {"PI": "Etsivä nuorisotyö", "HKI": "Etsivä nuorisotyö"},
    "other": {"PI": "Nuorisotalon harrastusryhmä", "HKI": "Nuorisotalon harrastusryhmä"},
}
REFERRAL_NOTES = {
    "declined": "Nuori ei halunnut palvelua tässä vaiheessa.",
    "completed": "Palvelu päättyi suunnitellusti.",
}

MOVE_REQUEST_REASONS = {
    "step_down": "Tuen tarve on vähentynyt; nuori on valmis kevyemmin tuettuun asumiseen.",
    "student_flat": "Nuori on saanut opiskelija-asunnon ja haluaa muuttaa sinne.",
    "own_flat": "Nuori on saanut oman vuokra-asunnon.",
    "closer_to_school": "Nuori toivoo siirtoa lähemmäs opiskelupaikkaansa.",
}
MOVE_DECISIONS = {
    "approved": "Hyväksytty; muuttopäivä sovittu nuoren kanssa.",
    "rejected": "Kohdeyksikössä ei ole nyt vapaata paikkaa; asia otetaan uudelleen esiin seuraavalla kierroksella.",
}
