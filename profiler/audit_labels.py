"""What each audit-log action means, in words for the administrator's log page, and the
kinds of action the log can be filtered by.

The client's privacy page says the same events to the client ("bekeek je overzicht", see
security/privacy.py); this is the neutral wording for the whole log, after the name of who
did it. Every action the app records has an entry here (tests/admin/test_audit_labels.py
reads the code for them); an unknown one is shown as its code.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# The kinds of action, by the prefix of their code, in the order of the filter's list.
KINDS = {
    "auth.": _l("Inloggen en beveiliging"),
    "coach.": _l("Gegevens bekeken"),
    "comment.": _l("Reacties"),
    "note.": _l("Notities"),
    "plan.": _l("Plan en ritme"),
    "exercise.": _l("Oefeningen"),
    "document.": _l("Documenten"),
    "session.": _l("Gesprekken"),
    "client.": _l("Eigen gegevens"),
    "user.": _l("Accounts"),
    "substitute.": _l("Vervanging"),
    "mail.": _l("Mail"),
    "retention.": _l("Opruimen na de bewaartermijn"),
}

LABELS = {
    "auth.login": _l("Ingelogd"),
    "auth.recovery_code_used": _l("Ingelogd met een herstelcode"),
    "auth.two_factor_enabled": _l("Extra beveiliging van de inlog aangezet"),
    "auth.two_factor_disabled": _l("Extra beveiliging van de inlog uitgezet"),
    "auth.invite_password_set": _l("Wachtwoord gekozen na een uitnodiging"),
    "auth.reset_password_set": _l("Nieuw wachtwoord gekozen"),
    "coach.viewed_client": _l("Overzicht van een cliënt bekeken"),
    "coach.viewed_answers": _l("Antwoorden van een cliënt gelezen"),
    "coach.viewed_preparation": _l("Gesprek voorbereid met de antwoorden"),
    "coach.report": _l("Verslag van de antwoorden gemaakt"),
    "comment.added": _l("Reactie geschreven"),
    "comment.deleted": _l("Reactie verwijderd"),
    "note.added": _l("Notitie geschreven"),
    "note.deleted": _l("Notitie verwijderd"),
    "plan.paused": _l("Training op pauze gezet"),
    "plan.resumed": _l("Training weer laten doorgaan"),
    "plan.unlocked": _l("Oefening opengezet"),
    "plan.unlocked_all": _l("Alle oefeningen opengezet"),
    "plan.moved": _l("Oefening verplaatst in het plan"),
    "plan.reordered": _l("Volgorde van de oefeningen veranderd"),
    "plan.skipped": _l("Oefening overgeslagen"),
    "plan.restored": _l("Oefening teruggezet in het plan"),
    "plan.added": _l("Oefening toegevoegd aan het plan"),
    "plan.cadence": _l("Maildagen of tijd veranderd"),
    "plan.reminders": _l("Herinneringen veranderd"),
    "plan.work_ahead": _l("Volgende oefening zelf geopend"),
    "plan.work_ahead_allowed": _l("Vooruitwerken aan- of uitgezet"),
    "plan.next_session": _l("Datum van het volgende gesprek veranderd"),
    "plan.finished": _l("Training afgerond"),
    "plan.changed": _l("Plan veranderd"),
    "exercise.done": _l("Oefening afgerond"),
    "exercise.create": _l("Oefening gemaakt (beheer)"),
    "exercise.save": _l("Oefening aangepast (beheer)"),
    "document.download": _l("Document gedownload"),
    "session.held": _l("Gesprek genoteerd"),
    "client.export": _l("Eigen gegevens gedownload"),
    "client.deletion_requested": _l("Verwijderen van het account gevraagd"),
    "user.invited": _l("Uitgenodigd"),
    "user.activated": _l("Account aangezet"),
    "user.deactivated": _l("Account uitgezet"),
    "user.coach_assigned": _l("Coach gekoppeld"),
    "user.deleted": _l("Account verwijderd"),
    "substitute.linked": _l("Vervangende coach gekoppeld"),
    "substitute.unlinked": _l("Vervangende coach losgekoppeld"),
    "mail.retry": _l("Mail opnieuw in de wachtrij gezet"),
    "retention.enrollments_removed": _l("Oude trajecten verwijderd"),
    "retention.outbox_removed": _l("Oude mails verwijderd"),
}


def label(action: str) -> str:
    """The action in words; its code when this version has no words for it."""
    words = LABELS.get(action)
    return str(words) if words is not None else action


def filter_choices() -> dict[object, list[tuple[str, object]]]:
    """The filter's options: everything, then per kind 'all of this kind' and each action.

    The group with the empty label is shown before the groups (see forms.GroupedSelect)."""
    choices: dict[object, list[tuple[str, object]]] = {"": [("", _l("Alle handelingen"))]}
    for prefix, kind in KINDS.items():
        actions = [(code, words) for code, words in LABELS.items() if code.startswith(prefix)]
        choices[kind] = [(prefix, _l("Alles: %(kind)s", kind=kind)), *actions]
    return choices
