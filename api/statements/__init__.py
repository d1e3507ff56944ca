"""Official statements: who said what, in what role, with what stance, answering which passage.

Owns the reading of reported speech in one document: a view of its sentences and quotes
(``textview``), named people, roles and bodies (``entities``, ``officials``, ``bodies``),
who says each sentence (``speakers``, ``said``, ``spread``), the stance of a cue
(``stance``), what a statement is about and which passages it answers (``targets``,
``answered``), when it was said (``when``), and the assembled responses
(``responses.extract_responses``). ``ratings`` reads a fact-checker's ClaimReview rating as a
stance.

May import: ``api.text`` and ``db.models`` (types only). It reads text; it writes nothing.
"""
