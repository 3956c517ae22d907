module eventsink

go 1.19
