module dashboards

go 1.19
