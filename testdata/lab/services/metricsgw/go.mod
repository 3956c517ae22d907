module metricsgw

go 1.19
