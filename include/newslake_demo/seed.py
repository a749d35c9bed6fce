"""The demo's retelling of the seed story (POLITICO, 2022-04-03), written for this project.

Facts follow the published story; the wording is our own and quotes are kept short.
"""

from __future__ import annotations

from datetime import UTC, datetime

from newslake_demo.model import DemoComment

TITLE = "Blinken, Stoltenberg hold back on labeling Russia's actions 'genocide'"
AUTHOR = "Jordan Wolman"
URL = "http://www.politico.com/news/2022/04/03/blinken-stoltenberg-genocide-russia-00022561"
NEWSBREAK_URL = ("http://www.newsbreak.com/news/2561903451227-blinken-stoltenberg-hold-back-on-"
                 "labeling-russia-s-actions-genocide")
PUBLISHED = datetime(2022, 4, 3, 15, 42, tzinfo=UTC)
MODIFIED = datetime(2022, 4, 3, 16, 5, tzinfo=UTC)
COPY_PUBLISHED = datetime(2022, 4, 3, 19, 10, tzinfo=UTC)
SECTION = "World"
TAGS = ("Genocide", "Ukraine", "War Crimes", "Nato", "Cnn", "State", "Russian", "Cbs")
IMAGE = "http://www.politico.com/dims4/default/resize/1160/bucha-mass-grave-ap.jpg"
CAPTION = ("A hand reaches out of the earth at a mass grave in Bucha, Ukraine, photographed on "
           "April 3, 2022. | AP Photo/Rodrigo Abd")
DESCRIPTION = ("The secretary of State and the NATO chief said they would document atrocities "
               "in Ukraine but stopped short of calling them genocide.")

PARAGRAPHS = (
    "The top American diplomat and the head of NATO both stopped short on Sunday of calling "
    "Russia's conduct in Ukraine a genocide, saying the word would have to wait for the "
    "evidence.",
    "Appearing on CNN's \"State of the Union,\" Secretary of State Antony Blinken was "
    "pressed on whether the killings now coming to light around Kyiv met that legal "
    "threshold. He answered that the United States would \"document everything\" and "
    "hand its findings to the international bodies whose job it is to weigh such charges.",
    "Blinken did repeat his view that Russian troops have carried out war crimes since the "
    "invasion began in late February, and he warned Americans against growing used to the "
    "images coming out of the country.",
    "\"We can't become numb to this,\" Blinken said.",
    "NATO Secretary-General Jens Stoltenberg took the same cautious line on the program. He "
    "described deliberate attacks on civilians as something Europe had not witnessed in "
    "decades and called them unacceptable, but he did not reach for the word genocide "
    "either.",
    "\"It is a brutality against civilians,\" Stoltenberg said, adding that he "
    "welcomed the decision of the International Criminal Court to open an inquiry into "
    "possible war crimes.",
    "Ukrainian President Volodymyr Zelenskyy went further. In an interview recorded for "
    "CBS' \"Face the Nation,\" he said Moscow was trying to wipe out a country of "
    "more than 100 nationalities and that what was happening amounted to genocide.",
    "\"This is the torture of the whole nation,\" Zelenskyy said.",
    "The interviews aired as photographs from towns north of the capital, including Bucha, "
    "showed bodies in the streets and homes reduced to rubble, deepening calls in Western "
    "capitals for accountability.",
    "Later, on NBC's \"Meet the Press,\" Blinken argued that the war had already "
    "turned into a strategic defeat for Vladimir Putin, even as the Russian leader's forces "
    "kept inflicting death and destruction on Ukrainian cities every day.",
    "Both officials were skeptical of Moscow's announcement that it was pulling troops back "
    "from around Kyiv. Stoltenberg said the alliance saw a repositioning rather than a "
    "withdrawal, with units being rearmed and resupplied for a renewed push.",
    "\"We should not in a way be too optimistic,\" Stoltenberg said, pointing to the "
    "risk of heavier fighting in the country's south and east.",
)

COMMENT_COUNT = 12
COMMENTS = (
    DemoComment("Golfman", "1h ago", "Calling it what it is should not take a committee. "
                "The pictures speak for themselves.", 3),
    DemoComment("Marta K.", "4h ago", "Document it properly so the case holds up in court. "
                "That is how you get convictions.", 7),
    DemoComment("riverbend_dave", "9h ago", "Prayers for the families in Bucha.", 12),
)
