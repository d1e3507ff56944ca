"""Documents in: read, fetch, decode, extract, clean and prepare one input.

Owns the sources (files, folders, JSON Lines, URLs — ``sources``, ``fetch``), the format
readers and main-text extraction (``formats``, ``extract``, ``assemble``, ``markdown``; the
page evidence of link density, headline and lead, ``blocks``), the
cleaning of what is not the article (``boilerplate``, ``comments``), header lines, posts and
dates (``headers``, ``posts``, ``dates``, ``language``), attribution lines naming where a text
came from (``attributions``) and ``prepare``, which turns one input into the ``Prepared``
documents a batch stores (split passages, normalized hashes, official statements read).

May import: ``api.text``, ``api.statements``, ``api.errors``, ``api.settings``. Nothing here
touches the database: storing a batch is ``api.pipeline``'s job.
"""
