"""The film's sound made here: ambience beds, foley and the onset finder that checks it."""
