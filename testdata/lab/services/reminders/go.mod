module reminders

go 1.19
