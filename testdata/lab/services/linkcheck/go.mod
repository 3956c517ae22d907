module linkcheck

go 1.19
