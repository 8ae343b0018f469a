package cli

import "time"

// defaultInterval is the time between the two samples of a live host.
const defaultInterval = 5 * time.Second
