module outreach

go 1.19
