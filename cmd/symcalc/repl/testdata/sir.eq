# SIR epidemic with a time-varying contact rate: a let definition that
# depends on the states is substituted into the equations and kept as an
# observed variable; outputs name what to report.
model sir
param beta0 = 0.3, gamma = 0.1, N = 1000, amplitude = 0.2
state S = 990, I = 10, R = 0
let beta = beta0*(1 + amplitude*sin(2*pi*t/365))
let infections = beta*S*I/N
der(S) = -infections
der(I) = infections - gamma*I
der(R) = gamma*I
output prevalence = I/N, incidence = infections
simulate t = 0..365, solver = tsit5, saveat = 1
