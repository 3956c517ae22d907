module routeplan

go 1.19
