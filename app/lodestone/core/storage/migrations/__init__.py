"""The shipped migration steps, one module each, their SQL written out literally.

A module here never changes once its step has shipped, and never imports anything: what a step
does must not depend on code that a later release may change. `schema.STEPS` lists them.
"""
