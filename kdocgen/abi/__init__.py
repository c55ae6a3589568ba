"""ABI status of kernel symbols per kernel build.

Pipeline: sources of ABI data (DepSurf pages: :mod:`.depsurf`; real kernel
builds: :mod:`.scan`) produce the model of :mod:`.model`, stored as JSON by
:mod:`.store`; the site renders it (:mod:`.render`).
"""
