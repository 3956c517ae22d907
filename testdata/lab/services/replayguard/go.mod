module replayguard

go 1.19
