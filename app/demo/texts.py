"""The demo editions' title, theme and description in Arabic (and for two of them in
English) beside their French originals, so a newcomer sees them with ?lang=ar or ?lang=en.

Casablanca and Sfax have no English texts: a reader in English sees their French
originals, as with any edition not given in the reader's language. Only a missing
language is added: a second run, or an organiser's own wording, is left as it is.
"""

from app.demo.bizerte import BIZERTE_SLUG
from app.demo.caravan import CARAVAN_SLUG
from app.demo.casablanca import CASABLANCA_SLUG
from app.demo.upcoming import UPCOMING_SLUG
from app.extensions import db
from app.models import Edition, EditionText

# slug: {language: (title, theme, description)}; the originals are in French.
TEXTS = {
    BIZERTE_SLUG: {
        "ar": (
            "بنزرت مدينة ذكية 2017",
            "بنزرت، مدينة ذكية ومستدامة على ضفاف المتوسط",
            "يومان من المؤتمرات الدولية لإطلاق مسار المدينة الذكية في بنزرت: مختبر أفكار "
            "من عشرة فاعلين، وخطة عمل لعشر سنوات، وخارطة طريق لثلاثين سنة.",
        ),
        "en": (
            "Bizerte Smart City 2017",
            "Bizerte, a smart and sustainable Mediterranean city",
            "Two days of international conferences to launch Bizerte's smart-city journey: "
            "a thinklab of ten stakeholders, a 10-year action plan and a 30-year roadmap.",
        ),
    },
    CARAVAN_SLUG: {
        "ar": (
            "قافلة المدن الذكية التونسية 2020 (الدورة الثانية)",
            "مشاريع بلدية مؤهلة للشراكة بين القطاعين العام والخاص",
            "أسبوع واحد وأربع عشرة محطة: تلتقي القافلة ببلديات الوسط والجنوب وتعود بدليل "
            "للمشاريع البلدية المؤهلة للشراكة بين القطاعين العام والخاص.",
        ),
        "en": (
            "Tunisian Smart Cities Caravan 2020 (2nd edition)",
            "Municipal projects eligible for public-private partnership",
            "One week, fourteen stops: the caravan meets the municipalities of the Centre "
            "and the South and brings back a catalogue of municipal projects eligible for PPP.",
        ),
    },
    CASABLANCA_SLUG: {
        "ar": (
            "الدار البيضاء مدينة ذكية 2023 — الدورة السابعة",
            "مدينة ذكية، نحو تحولات حضرية مستدامة",
            "أغورا لعرض المشاريع: تقدم الشركات والمبتكرون والشركات الناشئة والجماعات "
            "الترابية مشاريعها وفق خمسة محاور.",
        ),
    },
    UPCOMING_SLUG: {
        "ar": (
            "صفاقس مدينة ذكية — الدورة القادمة",
            "خدمات حضرية مقتصدة ومفتوحة",
            "يومان من المؤتمرات وورشات العمل وعروض المشاريع: باب الترشح مفتوح، وكذلك التسجيل.",
        ),
    },
}


def load(loader) -> None:
    """Give the demo editions their texts in Arabic (and English), where missing."""
    for slug, languages in TEXTS.items():
        edition = db.session.scalar(db.select(Edition).where(Edition.slug == slug))
        if edition is None:
            continue
        for lang, (title, theme, description) in languages.items():
            loader.get_or_create(
                EditionText,
                edition_id=edition.id,
                lang=lang,
                defaults={"title": title, "theme": theme, "description": description},
            )
