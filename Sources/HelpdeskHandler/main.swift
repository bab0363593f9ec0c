import EphemHTTP

await HandlerMain.run(HelpdeskRoutes.definition)
