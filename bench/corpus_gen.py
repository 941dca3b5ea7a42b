"""Synthetic news-like documents for throughput benchmarks (no real text, no real targets).

`generate_documents(n, seed)` yields `n` documents of about 3 KB. Each is a recombination of:
- a headline and a byline ("By <reporter>"), sometimes a photo credit;
- 3-6 sanctions sentences built from templates that cover the extractor's constructions
  (titles before names, roles after names, lists, "respectively", family relations, legal forms,
  vessels, counted and uncounted groups, several authorities, exceptions, delistings, proposals,
  existing listings, negations, officials announcing) with invented names;
- neutral filler sentences (weather, markets, sport, culture);
- boilerplate: cookie banners, "More news" blocks about unrelated invented people.

Everything is drawn from `random.Random(seed)`, so a seed always gives the same documents; the
lead's pipeline benchmark reuses this generator.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

GIVEN = ["Ivan", "Oleg", "Pavel", "Sergei", "Dmitry", "Yuri", "Anna", "Olga", "Irina", "Elena", "Marat", "Ruslan",
         "Viktor", "Nadia", "Boris", "Kirill", "Svetlana", "Lev", "Timur", "Galina", "Artur", "Vadim", "Polina"]
SURNAME = ["Petrenko", "Sidorov", "Volkov", "Orlova", "Kuznetsov", "Belova", "Zaitsev", "Morozov", "Gromova", "Lapin",
           "Rudin", "Kalinin", "Serov", "Tarasov", "Yermak", "Zhukov", "Fomin", "Demin", "Vlasova", "Golubev"]
COMPANY = ["Volga Trading LLC", "JSC Ural Polymer", "Baltic Freight Ltd", "PJSC Sever Metals", "Arktika Shipping Company",
           "Kama Engineering Plant", "Don Capital Group", "Neva Logistics LLC"]
VESSEL = ["Silver Gull", "Polar Dawn", "Kara Wind", "Arctic Swan", "Ocean Fortune", "Sea Breeze"]
AUTHORITY = [("The UK", "UK"), ("Britain", "UK"), ("The US Treasury", "US"), ("The EU", "EU"), ("Canada", "Canada"),
             ("Australia", "Australia"), ("Japan", "Japan")]
TITLE = ["Deputy Defence Minister", "Energy Minister", "Governor", "Deputy Prime Minister", "General"]
ROLE = ["a businessman close to the Kremlin", "head of a regional investigative committee", "a senior judge in Rostov",
        "chief executive of Baltic Freight", "a propagandist", "deputy governor of Kursk region"]
REPORTERS = ["Tom Harding", "Lucy Marsh", "Daniel Reyes", "Grace Holt", "Sam Patel"]
OFFICIALS = ["Helen Marsh", "Andrew Pike", "Jane Holloway", "Sarah Whitley"]

FILLER = [
    "The weather in the capital remained mild for the season, and forecasters expect rain later in the week.",
    "Stock markets closed slightly higher on Tuesday as investors awaited new inflation figures.",
    "The local football club secured a late win in front of a sold-out crowd at the weekend.",
    "A new exhibition of contemporary photography opened at the city museum on Friday.",
    "Officials said road repairs on the ring road would continue until the end of next month.",
    "Analysts noted that energy prices have been volatile throughout the year.",
    "The festival drew thousands of visitors despite the cold weather and long queues.",
    "Several schools announced changes to their timetables after the public holiday.",
]
COOKIES = [
    "We use cookies to improve your experience on our site. By continuing you accept our cookie policy.",
    "Accept all cookies | Manage preferences | Privacy notice",
]


def _person(rng: random.Random) -> str:
    return f"{rng.choice(GIVEN)} {rng.choice(SURNAME)}"


def _sanctions_sentence(rng: random.Random) -> str:
    auth, _code = rng.choice(AUTHORITY)
    p1, p2 = _person(rng), _person(rng)
    n = rng.randint(2, 400)
    templates = [
        f"{auth} has sanctioned {rng.choice(TITLE)} {p1} and {p2}, {rng.choice(ROLE)}.",
        f"{p1}, {rng.choice(ROLE)}, has also been sanctioned by {auth.lower() if auth.startswith('The') else auth}.",
        f"{auth} imposed sanctions on over {n} more individuals, including {p1} and {p2}.",
        f"{auth} designated {rng.choice(COMPANY)} and {rng.choice(COMPANY)} for supplying drone parts.",
        f"{auth} has sanctioned the tanker {rng.choice(VESSEL)} and {n} other vessels of the shadow fleet.",
        f"{auth} also sanctioned two organisations linked to Rosatom, the state nuclear company.",
        f"{auth} removed {p1} from its sanctions list after a court ruling.",
        f"MPs urged ministers to sanction {p1}, {rng.choice(ROLE)}.",
        f"{p1} had already been sanctioned by the EU in 2022.",
        f"{p1} was sanctioned by the UK and US; Canada did not list her.",
        f"Foreign Secretary {rng.choice(OFFICIALS)} said the measures targeted {p1}, wife of {p2}.",
        f"{auth} sanctioned {p1} and {p2}, the mayor and deputy mayor of Kursk respectively.",
        f"His partner, {p2}, was not among those sanctioned.",
        f"A number of individuals associated with {rng.choice(COMPANY)} were also sanctioned by {auth.lower() if auth.startswith('The') else auth}.",
    ]
    return rng.choice(templates)


def generate_document(rng: random.Random, target_bytes: int = 3300) -> str:
    """One document of roughly `target_bytes` UTF-8 bytes."""
    auth, _ = rng.choice(AUTHORITY)
    parts = [f"{auth} widens sanctions over the war in Ukraine", f"By {rng.choice(REPORTERS)}"]
    if rng.random() < 0.5:
        parts.append(f"Photograph: {rng.choice(REPORTERS)}/Agency")
    if rng.random() < 0.5:
        parts.append(rng.choice(COOKIES))
    body: list[str] = [_sanctions_sentence(rng) for _ in range(rng.randint(3, 6))]
    size = sum(len(p) + 1 for p in parts + body)
    while size < target_bytes - 400:
        sentence = rng.choice(FILLER)
        body.insert(rng.randint(0, len(body)), sentence)
        size += len(sentence) + 1
    parts.append(" ".join(body))
    parts.append("More news")
    parts.append(f"Local council approves new park after campaign by {_person(rng)}")
    return "\n".join(parts) + "\n"


def generate_documents(n: int, seed: int = 0) -> Iterator[str]:
    """`n` synthetic documents of about 3 KB each, reproducible from `seed`."""
    rng = random.Random(seed)
    for _ in range(n):
        yield generate_document(rng)
