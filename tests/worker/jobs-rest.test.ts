import { jobSuite } from "./support/job-suite.ts";

// Each of contract B's ten jobs through the integrator's REST API.
jobSuite("rest");
