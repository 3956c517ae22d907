module telemetry

go 1.19
