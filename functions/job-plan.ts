// Placeholder for the job-plan Lambda handler; the real handler replaces this file.
export const handler = async (): Promise<never> => {
  throw new Error('not implemented yet');
};
