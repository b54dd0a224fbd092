# 1-D heat equation with insulated (Neumann) ends, second-order finite
# differences: the mirror rule u[0] = u[2] at each end gives zero flux.
model heat1d
const N = 16
grid i in 1..N neumann
let h = 1/(N-1), xs[i] = (i-1)*h
param D = 0.01
state u[i] = exp(-100*(xs[i] - 0.3)^2)
der(u[i]) = D/h^2*(u[i+1] - 2*u[i] + u[i-1])
output total = h*(u[1]/2 + u[N]/2) + h*(u[2] + u[3] + u[4] + u[5] + u[6] + u[7] + u[8] + u[9] + u[10] + u[11] + u[12] + u[13] + u[14] + u[15])
simulate t = 0..10, solver = rodas4
