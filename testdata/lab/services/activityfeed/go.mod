module activityfeed

go 1.19
