// "average wait averaged across clinics" was answered as the average wait by clinic: a second averaging
// word over a metric that is already an average asks for an average of the groups' averages (one number,
// each clinic weighing the same), which the layer's average, weighted by visits, is not. Asked back now;
// a single averaging word still answers.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-15.json')

describe('an average of an average', () => {
  it('is not answered with the average itself', () => {
    expect(ask('clinic', 'average wait averaged across clinics')).toEqual(expect.any(String))
    expect(ask('clinic', 'the mean of the average wait by clinic')).toEqual(expect.any(String))
  })

  it('leaves one average answered', () => {
    expect(ask('clinic', 'average wait per clinic')).toEqual({ metrics: ['avg_wait_minutes'], group_by: ['clinic__clinic_name'] })
  })
})
