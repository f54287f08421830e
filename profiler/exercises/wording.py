"""Client-facing words of the engine in Dutch and English (plain B1 language)."""

from __future__ import annotations

LANGUAGES = ("nl", "en")

_WORDS: dict[str, dict[str, str]] = {
    "required_mark": {"nl": "(verplicht)", "en": "(required)"},
    "required": {"nl": "Vul dit in.", "en": "Please fill this in."},
    "choose_one": {"nl": "Kies een antwoord.", "en": "Please choose an answer."},
    "too_long": {
        "nl": "Gebruik hoogstens {max} tekens. Nu zijn het er {count}.",
        "en": "Use at most {max} characters. You used {count}.",
    },
    "item_too_long": {
        "nl": "Regel {n} is te lang. Gebruik hoogstens {max} tekens.",
        "en": "Line {n} is too long. Use at most {max} characters.",
    },
    "too_few_lines": {
        "nl": "Vul minstens {min} regels in.",
        "en": "Please fill in at least {min} lines.",
    },
    "too_many_lines": {
        "nl": "Vul hoogstens {max} regels in.",
        "en": "Please fill in at most {max} lines.",
    },
    "too_few_choices": {"nl": "Kies er minstens {min}.", "en": "Please choose at least {min}."},
    "too_many_choices": {"nl": "Kies er hoogstens {max}.", "en": "Please choose at most {max}."},
    "unknown_choice": {
        "nl": "Kies alleen uit de antwoorden op de lijst.",
        "en": "Please choose only from the answers in the list.",
    },
    "other_missing": {
        "nl": "Je koos 'Anders'. Schrijf op wat je bedoelt.",
        "en": "You chose 'Other'. Please write what you mean.",
    },
    "scale_missing": {
        "nl": "Geef bij elke uitspraak een antwoord. Er zijn er nog {count} open.",
        "en": "Please answer every statement. {count} still open.",
    },
    "scale_item_missing": {"nl": "Kies een antwoord.", "en": "Please choose an answer."},
    "rank_double": {
        "nl": "Je gaf nummer {n} vaker dan één keer. Geef elk nummer maar één keer.",
        "en": "You gave number {n} more than once. Please use each number only once.",
    },
    "rank_too_few": {
        "nl": "Zet er {count} op volgorde: geef ze de nummers 1 tot en met {count}.",
        "en": "Please put {count} in order: give them the numbers 1 to {count}.",
    },
    "rank_too_many": {
        "nl": "Zet er hoogstens {count} op volgorde.",
        "en": "Please put at most {count} in order.",
    },
    "too_few_entries": {
        "nl": "Vul minstens {min} keer '{entry}' in.",
        "en": "Please fill in '{entry}' at least {min} times.",
    },
    "too_many_entries": {
        "nl": "Vul hoogstens {max} keer '{entry}' in.",
        "en": "Please fill in '{entry}' at most {max} times.",
    },
    "month_invalid": {
        "nl": "Kies een maand en vul een jaar in met 4 cijfers, bijvoorbeeld 2019.",
        "en": "Please choose a month and fill in a year with 4 digits, for example 2019.",
    },
    "month_year_range": {
        "nl": "Vul een jaar in tussen 1900 en 2100.",
        "en": "Please fill in a year between 1900 and 2100.",
    },
    "month_or_current": {
        "nl": "Kies een maand en jaar, óf vink 'Tot nu' aan. Niet allebei.",
        "en": "Choose a month and year, or tick 'Until now'. Not both.",
    },
    "month_before": {
        "nl": "Deze maand ligt vóór '{other}'. Kijk of de maanden en jaren kloppen.",
        "en": "This month lies before '{other}'. Check the months and years.",
    },
    "other_label": {"nl": "Anders, namelijk", "en": "Other, namely"},
    "other_option": {"nl": "Anders", "en": "Other"},
    "line": {"nl": "Regel {n}", "en": "Line {n}"},
    "month": {"nl": "Maand", "en": "Month"},
    "year": {"nl": "Jaar", "en": "Year"},
    "current": {"nl": "tot nu", "en": "until now"},
    "current_box": {"nl": "Tot nu (nog bezig)", "en": "Until now (still going on)"},
    "no_month": {"nl": "Kies een maand", "en": "Choose a month"},
    "position": {"nl": "Plaats", "en": "Position"},
    "no_position": {"nl": "Geen plaats", "en": "No position"},
    "rank_hint": {
        "nl": "Geef het belangrijkste nummer 1, dan nummer 2, en zo verder.",
        "en": "Give the most important one number 1, then number 2, and so on.",
    },
    "nothing_to_order": {
        "nl": "Hier komen je antwoorden van '{label}' te staan. Vul die eerst in en bewaar.",
        "en": "Your answers to '{label}' will appear here. Please fill those in and save first.",
    },
    "no_answer_yet": {"nl": "Nog geen antwoord.", "en": "No answer yet."},
    "entry": {"nl": "Invulling", "en": "Entry"},
    "add_entry": {"nl": "{entry} toevoegen", "en": "Add {entry}"},
    "remove_hint": {
        "nl": "Wil je er een weghalen? Maak dan alle vakjes ervan leeg en bewaar.",
        "en": "Want to remove one? Empty all its boxes and save.",
    },
    "scale_ends": {
        "nl": "{min} = {min_label}, {max} = {max_label}",
        "en": "{min} = {min_label}, {max} = {max_label}",
    },
    "error_summary": {"nl": "Er gaat nog iets mis", "en": "Something still needs fixing"},
    "error_prefix": {"nl": "Fout:", "en": "Error:"},
    "score_dimension": {"nl": "Onderdeel", "en": "Part"},
    "score_value": {"nl": "Score", "en": "Score"},
    "score_meaning": {"nl": "Wat betekent dit?", "en": "What does this mean?"},
    "score_range": {
        "nl": "Scores lopen van {min} tot {max}.",
        "en": "Scores run from {min} to {max}.",
    },
    "score_none": {"nl": "nog geen score", "en": "no score yet"},
}

MONTHS = {
    "nl": (
        "januari februari maart april mei juni juli augustus september oktober november december"
    ).split(),
    "en": (
        "January February March April May June July August September October November December"
    ).split(),
}


def say(key: str, lang: str, **values: object) -> str:
    """The text `key` in `lang` (Dutch when the language is unknown), filled with values."""
    texts = _WORDS[key]
    return texts.get(lang, texts["nl"]).format(**values)
