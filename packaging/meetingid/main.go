// Command meetingid prints the id of the first council's next planned
// meeting in a database: make dist-check exports that meeting's packet on
// Linux and under Wine and compares the two.
//
//	go run ./packaging/meetingid DB
package main

import (
	"context"
	"fmt"
	"os"

	"lokalraad/model"
	"lokalraad/storage"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "brug: meetingid DB")
		os.Exit(2)
	}
	if err := run(context.Background(), os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "meetingid:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, path string) error {
	db, err := storage.Open(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	councils, err := db.Councils(ctx)
	if err != nil {
		return err
	}
	if len(councils) == 0 {
		return fmt.Errorf("ingen lokalråd i %s", path)
	}
	ms, err := db.Meetings(ctx, councils[0].ID)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.Status == model.MeetingPlanned {
			fmt.Println(m.ID)
			return nil
		}
	}
	return fmt.Errorf("intet planlagt møde i %s", path)
}
