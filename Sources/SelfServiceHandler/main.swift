import EphemHTTP

await HandlerMain.run(SelfServiceRoutes.definition)
