module notifier

go 1.19
