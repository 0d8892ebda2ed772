/**
 * Contract B transcribed by hand from ../shared/contracts/job-contract.md, on
 * purpose not imported from src: tests compare what lands in Redis with the
 * document, not with our own reading of it.
 */
export const CONTRACT_B_OPTIONS = {
  attempts: 3,
  backoff: { type: "exponential", delay: 1000 },
  removeOnComplete: true,
  removeOnFail: false,
};

export const CONTRACT_B_QUEUE = "whatsapp-jobs";
