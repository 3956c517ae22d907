module mailrelay

go 1.19
