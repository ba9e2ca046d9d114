// Placeholder for the job-work Lambda handler; the real handler replaces this file.
export const handler = async (): Promise<never> => {
  throw new Error('not implemented yet');
};
