module scoreboard

go 1.19
