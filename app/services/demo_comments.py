"""Invented demo comments (never taken from real survey data), in the respondents' languages."""

from __future__ import annotations

GOOD_COMMENTS: dict[str, tuple[str, ...]] = {
    "en": (
        "The nurses were so kind to Mum and to us.",
        "The hospice staff made time to sit with him and explain what was happening.",
        "The district nurses came every day, even at the weekend.",
        "Everyone treated Dad with dignity, right to the end.",
        "The GP phoned us at home, which meant a lot.",
        "They let us stay with her overnight and brought us tea.",
        "The care home staff knew her well and talked to her about her garden.",
        "- the night nurse\n- the chaplain\n- the doctor who sat down and listened",
        'One nurse said "take all the time you need", and meant it.',
        "Her pain was well controlled in the last few days.",
        "We were told honestly that he was dying, and gently.",
        "The hospice at home team were wonderful, calm and practical.",
    ),
    "pl": (
        "Pielęgniarki były bardzo życzliwe dla mamy i dla nas.",
        "Lekarz poświęcił nam czas i wszystko spokojnie wyjaśnił.",
        "Personel hospicjum był wspaniały.",
    ),
    "bn": (
        "নার্সরা আমার মায়ের সাথে খুব ভালো ব্যবহার করেছেন।",
        "ডাক্তার আমাদের সব কিছু ধৈর্য ধরে বুঝিয়ে বলেছেন।",
    ),
    "ur": (
        "نرسوں نے میری والدہ کا بہت خیال رکھا۔",
        "ڈاکٹر نے ہمیں سب کچھ تفصیل سے سمجھایا۔",
    ),
    "pa": ("ਨਰਸਾਂ ਨੇ ਮੇਰੇ ਪਿਤਾ ਜੀ ਦਾ ਬਹੁਤ ਧਿਆਨ ਰੱਖਿਆ।",),
}
IMPROVE_COMMENTS: dict[str, tuple[str, ...]] = {
    "en": (
        "We waited hours for the out-of-hours doctor to come.",
        "Nobody told us he was dying until the very last day.",
        "The equipment for home arrived after she had died.",
        "The hospital and the GP did not talk to each other; we repeated everything.",
        "There were not enough nurses on the ward at night.",
        "-  more help at night\n-  one person to call",
        "Her pain was not controlled, and we had to keep asking.",
        "Staff did not know about his faith or what mattered to us after the death.",
        "We had to ask for a private room, and there was none.",
        "= the discharge took three days, and nobody explained why",
        "+ a follow-up call from someone after the death would have helped",
        "Too many different carers came to the house, never the same one twice.",
        "The forms, the phone calls, the waiting. It was exhausting, on top of everything.",
    ),
    "pl": (
        "Nikt nam nie powiedział, że tata umiera.",
        "Za długo czekaliśmy na lekarza w nocy.",
        "Brakowało tłumacza, mama nie rozumiała lekarzy.",
    ),
    "bn": (
        "রাতে কোনো নার্স ছিল না, আমরা অনেকক্ষণ অপেক্ষা করেছি।",
        "আমাদের ধর্মীয় রীতিনীতি সম্পর্কে কেউ জিজ্ঞেস করেনি।",
    ),
    "ur": (
        "ہمیں کسی نے نہیں بتایا کہ ان کا وقت قریب ہے۔",
        "ہسپتال میں نماز کے لیے کوئی جگہ نہیں تھی۔",
    ),
    "pa": ("ਰਾਤ ਨੂੰ ਡਾਕਟਰ ਲਈ ਬਹੁਤ ਇੰਤਜ਼ਾਰ ਕਰਨਾ ਪਿਆ।",),
}
OTHER_COMMENTS: dict[str, tuple[str, ...]] = {
    "en": (
        "Thank you for asking. It helped to write this down.",
        "I hope this helps someone else's family.",
        "@ward 7: thank you, you know who you are.",
    ),
    "pl": ("Dziękuję za możliwość podzielenia się tym.",),
}
