#!/bin/sh
# Never start daemons from package scripts during image builds.
exit 101
