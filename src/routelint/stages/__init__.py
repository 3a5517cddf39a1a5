"""The stages of one run, each a module whose inputs and outputs say what flows; `routelint.engine.run`
composes them:

    inputs      paths, options       -> Inputs (files to check, env files read for context, configs)
    analysis    Inputs, catalog      -> list[FileFacts]  (per file, in-process or in a pool; cached)
    closure     facts                -> facts of the modules routes import that the prefilter skipped
    resolve     facts, catalog       -> list[Route]      (routelint.project.Resolver)
    checking    routes, facts        -> list[Diagnostic] (each file's selection, per allowed-routes)
    postprocess diagnostics          -> Findings         (severities, suppressions + RL002, order)

A stage imports nothing above it: no stage knows the engine, the CLI or a reporter."""
