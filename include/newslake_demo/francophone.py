"""A French-language article on an English-language source: a row validation must catch.

Northwind Times (a Canadian outlet configured as ``language: en``) publishes a French
piece; extraction accepts it and the validation gate quarantines it (``language_in_set``).
Text written for this project.
"""

from __future__ import annotations

from datetime import UTC, datetime

from newslake_demo.model import DemoArticle

URL = "http://www.northwindtimes.ca/2022/04/03/le-traversier-de-port-alder-reprend-du-service.html"
TITLE = "Le traversier de Port Alder reprend du service après trois semaines d'arrêt"
AUTHOR = "Solveig Anders"
PUBLISHED = datetime(2022, 4, 3, 14, 20, tzinfo=UTC)

PARAGRAPHS = (
    "Le traversier qui relie Port Alder à l'île Kestrel a repris ses traversées dimanche "
    "matin, après un arrêt de trois semaines causé par une panne du moteur principal.",
    "Les premiers passagers sont montés à bord peu avant sept heures. Plusieurs d'entre eux "
    "avaient dû, pendant l'interruption, passer par le pont de Wexford, un détour de près "
    "d'une heure et demie pour se rendre au travail.",
    "« Nous avons remplacé la pièce défectueuse et refait tous les essais exigés par "
    "Transports Canada », a déclaré la directrice des opérations, Hélène Marchand.",
    "La société de traversiers affirme que l'horaire habituel, avec un départ toutes les "
    "quarante minutes, sera rétabli dès lundi. Les résidents de l'île réclament toutefois un "
    "second navire pour éviter qu'une seule panne ne les isole de nouveau.",
    "Le conseil municipal doit étudier la question lors de sa séance du 12 avril. Le maire "
    "a indiqué qu'il demanderait au gouvernement provincial de partager le coût d'un "
    "bateau de relève.",
    "La panne était survenue le 13 mars, au milieu d'une traversée. Le navire avait alors "
    "été remorqué jusqu'au quai de Port Alder, sans blessés, mais avec une quarantaine de "
    "voitures à bord qui n'ont pu débarquer qu'en fin de soirée.",
    "Selon la société, la pièce de rechange a dû être fabriquée sur mesure à Halifax, ce qui "
    "explique la longueur des travaux. Des inspecteurs fédéraux ont assisté aux essais en mer "
    "de jeudi et de vendredi avant d'autoriser la reprise du service commercial.",
    "« Trois semaines, c'est long quand on a des enfants à l'école de l'autre côté et un "
    "emploi en ville », a raconté Marc Thibodeau, qui habite l'île depuis vingt ans.",
    "L'école secondaire régionale avait organisé un service d'autobus par le pont pendant "
    "l'arrêt. La commission scolaire a confirmé qu'il prendrait fin mardi.",
    "En attendant, les commerçants du quai disent avoir perdu une bonne partie de leur "
    "clientèle de fin de semaine et espèrent un retour rapide des visiteurs.",
)


def french_article() -> DemoArticle:
    """The French-language original on Northwind Times."""
    return DemoArticle(
        url=URL, site="northwindtimes.ca", title=TITLE, authors=(AUTHOR,),
        published_at=PUBLISHED, story_key="francophone-ferry-3", is_original=True,
        syndicator=None, original_url=URL, tags=("Port Alder", "Traversier"),
        body="\n\n".join(PARAGRAPHS), section="Local", publisher="Northwind Times",
        modified_at=PUBLISHED, language="fr",
        image_url="https://www.northwindtimes.ca/images/2022/04/03/traversier.jpg",
        image_caption="Le traversier à quai, dimanche matin. | Northwind Times",
        canonical_url=URL.replace("http://", "https://", 1),
        description=PARAGRAPHS[0],
    )
