module beacons

go 1.19
