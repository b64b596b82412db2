"""``reportgen import``: start from what a department already has.

Readers turn a report typed in Word or WPS (``document``, ``report``) and a
finance system's Excel export (``sheet``) into the data model, and ``emit``
writes it as a data file in the project's schema, with comments where the text
left a gap.  Nothing here writes a report: the pipeline does that from the
imported file, like from any other (pandoc's reader → model → writer).
"""
