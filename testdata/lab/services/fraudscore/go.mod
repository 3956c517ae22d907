module fraudscore

go 1.19
