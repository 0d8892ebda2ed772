import { jobSuite } from "./support/job-suite.ts";

// Each of contract B's ten jobs added by a plain BullMQ client, as someone else's producer would.
jobSuite("bullmq");
