"""/language: a person picks the coach's language; the stored choice comes before Telegram's
`language_code` wherever the coach words something for them."""

from __future__ import annotations

from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.features.language.handlers import CALLBACK, LanguageChoice
from bot.features.language.store import MIGRATIONS, chosen_locale, forget_choice
from bot.ports import Coach, Feature
from bot.store import DataKind


def data_kinds(coach: Coach) -> tuple[DataKind, ...]:
    """/forget deletes the language choice and /mydata shows it."""

    def describe(user_id: int, locale: str) -> list[str]:
        code = chosen_locale(coach.store, user_id)
        if code is None:
            return []
        library = coach.engine.library
        name = library.locale(code).ui["language_name"]
        return [library.locale(locale).ui["mydata_language"].format(language=name)]

    return (DataKind("language", lambda user_id: forget_choice(coach.store, user_id), describe),)


def install(application: Application, coach: Coach) -> None:  # type: ignore[type-arg]
    languages = LanguageChoice(coach)
    application.add_handler(CommandHandler("language", languages.ask,
                                           filters=filters.ChatType.PRIVATE))
    application.add_handler(CallbackQueryHandler(languages.pick, pattern=CALLBACK))
    coach.chosen_locale = lambda user_id: chosen_locale(coach.store, user_id)


FEATURE = Feature("language", MIGRATIONS, data_kinds, install)
