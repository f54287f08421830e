"""Regenerate profiler/auth/common-passwords.txt from hand-written patterns (no downloads).

NIST SP 800-63B asks to refuse passwords "commonly used, expected, or compromised". We keep
the hand-picked list and add what guessers try first: common Dutch and English words, names,
clubs, seasons and keyboard walks, with the usual years, digits and capitals around them.
Only passwords of 8 characters or more are kept; shorter ones are refused anyway.

    .venv/bin/python scripts/common_passwords.py
"""

from __future__ import annotations

from pathlib import Path

TARGET = Path(__file__).resolve().parent.parent / "profiler" / "auth" / "common-passwords.txt"

WORDS = """
wachtwoord paswoord password passwort welkom welcome geheim secret hallo hello liefde love
iloveyou ikhouvanjou schatje lieverd prinses princess monkey dragon master shadow sunshine
football voetbal ajax feyenoord psv azalkmaar fctwente utrecht vitesse oranje holland
nederland amsterdam rotterdam denhaag eindhoven groningen utrecht zwolle tilburg breda
zomer winter lente herfst januari februari maart april mei juni juli augustus september
oktober november december maandag dinsdag woensdag donderdag vrijdag zaterdag zondag
qwerty qwertyui asdfgh asdfghjk zxcvbn zxcvbnm azerty qazwsx abc abcdef abcdefgh
computer internet profiler werk baan sollicitatie reintegratie coach client jobcoach
tweedespoor uwv arbodienst werkgever kantoor familie kinderen mama papa opa oma
hond kat poes paard konijn vogel tijger leeuw beer voetballer fiets auto
emma julia sophie tess zoe mila sara eva anna noor lisa fleur lotte sanne laura iris
daan sem lucas levi finn liam noah milan jesse thomas bram luuk tim ruben kevin mark
peter jan piet klaas kees henk gerrit willem johan hans erik dennis marco michel
maria linda petra monique sandra ingrid anja marieke esther wendy patricia
samsung iphone google facebook instagram netflix spotify youtube linkedin microsoft
starwars pokemon batman superman minecraft fortnite letmein trustno1 whatever
freedom summer flower baseball jordan hunter ranger buster soccer hockey killer
charlie michael jennifer jessica ashley daniel andrew joshua matthew george
""".split()

SUFFIXES = [
    "",
    "1",
    "01",
    "12",
    "123",
    "1234",
    "12345",
    "!",
    "123!",
    "2023",
    "2024",
    "2025",
    "2026",
    "99",
    "00",
]
PREFIXES = ["", "mijn"]
WALKS = [
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "1qaz2wsx3edc",
    "qazwsxedc",
    "1q2w3e4r5t6y",
    "poiuytrewq",
    "lkjhgfdsa",
    "mnbvcxz",
    "q1w2e3r4t5",
    "a1b2c3d4",
    "zaq12wsx",
    "!qaz2wsx",
]


def generate() -> set[str]:
    """Every pattern expanded, lower case, at least 8 characters."""
    found: set[str] = set()
    for word in WORDS:
        for prefix in PREFIXES:
            for suffix in SUFFIXES:
                found.add(f"{prefix}{word}{suffix}")
    for walk in WALKS:
        for suffix in SUFFIXES[:8]:
            found.add(walk + suffix)
    for digit in "0123456789":
        for length in range(8, 13):
            found.add(digit * length)
    for start in range(10):
        for length in range(8, 11):
            found.add("".join(str((start + i) % 10) for i in range(length)))
            found.add("".join(str((start - i) % 10) for i in range(length)))
    for year in range(1950, 2027):
        for day in ("0101", "1212", "3112"):
            found.add(f"{day}{year}")
    return {p.lower() for p in found if 8 <= len(p) <= 64}


def main() -> None:
    """Merge the generated passwords into the shipped list."""
    existing = {line.strip().lower() for line in TARGET.read_text().splitlines() if line.strip()}
    merged = sorted(existing | generate())
    TARGET.write_text("\n".join(merged) + "\n", encoding="utf-8")
    print(f"{len(merged)} passwords in {TARGET}")


if __name__ == "__main__":
    main()
