// SwiftPM needs one C source in a C target; the interface is the generated header in include/.
